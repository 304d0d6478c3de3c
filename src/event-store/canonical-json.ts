/**
 * Canonical JSON (RFC 8785 style for the values we store: sorted keys, no whitespace, undefined
 * dropped). The chain hash must not depend on key order or on which adapter serialised the event.
 *
 * One pass building one string: it runs for every event appended and every event verified, and
 * its bytes must never change (canonical-json.unit.spec.ts pins them against the first version).
 * A value with toJSON (a Date) is taken as JSON.stringify stores it, so the hash covers what is stored.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
      // Number-to-string is JSON.stringify's own rule for finite numbers (-0 gives "0").
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const v: unknown = value[i];
          out += v === undefined ? 'null' : canonicalJson(v);
        }
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += first ? JSON.stringify(k) : `,${JSON.stringify(k)}`;
        out += `:${canonicalJson(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}
