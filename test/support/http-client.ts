/** A small JSON client over fetch for tests that talk to a listening service (in-process or a child). */
export interface Answer<B = Record<string, unknown>> {
  readonly status: number;
  readonly body: B;
  readonly headers: Headers;
}

export class HttpClient {
  constructor(readonly base: string) {}

  async request<B = Record<string, unknown>>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer<B>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { text };
      }
    }
    return { status: res.status, body: parsed as B, headers: res.headers };
  }

  post<B = Record<string, unknown>>(path: string, headers: Record<string, string>, body: unknown = {}): Promise<Answer<B>> {
    return this.request<B>('POST', path, headers, body);
  }

  get<B = Record<string, unknown>>(path: string, headers: Record<string, string> = {}): Promise<Answer<B>> {
    return this.request<B>('GET', path, headers);
  }

  /** POST that must answer `status` (201 by default); throws with the answer otherwise. */
  async must<B = Record<string, unknown>>(path: string, headers: Record<string, string>, body: unknown = {}, status = 201): Promise<B> {
    const a = await this.post<B>(path, headers, body);
    if (a.status !== status) throw new Error(`POST ${path}: expected ${status}, got ${a.status}: ${JSON.stringify(a.body).slice(0, 500)}`);
    return a.body;
  }
}

/** A household's case body for POST /cases (a valid personnummer, one member). */
export function openCaseBody(name: string, unit = 'enhet-nord', caseworker = 'hl-anna') {
  return {
    household: [{ memberId: 'm1', role: 'applicant', name, personnummer: '19811218-9876', birthDate: '1981-12-18' }],
    unit,
    caseworker,
    payee: { kind: 'client_account', name, account: '8327-9 123 456 789-0' },
    protectedIdentity: false,
  };
}

/** The application for a month: rent and a part-time wage. */
export const applicationBody = (month: string) => ({
  month,
  costs: [{ kind: 'housing', amount: 650_000, note: 'Hyra enligt avi' }],
  incomes: [{ kind: 'wages', amount: 300_000 }],
  attachments: ['hyresavi'],
  signedBy: ['m1'],
});

/** A granted decision for the whole month with the calculated total. */
export const decisionBody = (month: string, amount: number, lastDay: string) => ({
  month,
  outcome: 'granted',
  amount,
  period: { from: `${month}-01`, to: lastDay },
  motivering: 'Hushållet saknar medel för sin försörjning; inkomsten understiger norm och skäliga kostnader.',
  legalReferences: ['SoL-12-1'],
  delegation: 'DO 4.1.1',
});
