/**
 * Law references as versioned data. A code names a legal ground; each version carries the
 * provision that expressed it during its period, so a 2025-03 decision cites SoL (2001:453) and a
 * 2026 decision SoL (2025:400). `verified: false` marks paragraph numbers not yet checked.
 */
import { inForce, type EffectiveDated } from '../shared/effective-dated.js';
import type { LocalDate } from '../shared/dates.js';

export interface LawReference extends EffectiveDated {
  readonly code: string;
  /** How the provision is cited, e.g. 'SoL (2025:400) 12 kap. 1 §'. */
  readonly text: string;
  /** Swedish. */
  readonly title: string;
  readonly source: string;
  readonly verified: boolean;
  readonly note?: string;
}

const OLD_SOL_END = '2025-06-30';
const NEW_SOL_START = '2025-07-01';
const FL_START = '2018-07-01';
const DOMAIN = 'domain brief';
const UNVERIFIED = 'Paragraph in SoL (2025:400) not verified; confirm before citing in a decision.';

export const LAW_REFERENCES: readonly LawReference[] = [
  { code: 'SoL-12-1', text: 'SoL (2001:453) 4 kap. 1 §', title: 'Rätt till bistånd (försörjningsstöd och livsföring i övrigt)', effectiveFrom: '2002-01-01', effectiveTo: OLD_SOL_END, source: DOMAIN, verified: true },
  { code: 'SoL-12-1', text: 'SoL (2025:400) 12 kap. 1 §', title: 'Rätt till ekonomiskt bistånd (försörjningsstöd och livsföring i övrigt)', effectiveFrom: NEW_SOL_START, source: DOMAIN, verified: true },
  { code: 'SoL-12-2', text: 'SoL (2001:453) 4 kap. 2 §', title: 'Bistånd utöver rätten till bistånd', effectiveFrom: '2002-01-01', effectiveTo: OLD_SOL_END, source: 'old-law mapping', verified: false, note: 'Mapping from the new 12 kap. 2 § not checked.' },
  { code: 'SoL-12-2', text: 'SoL (2025:400) 12 kap. 2 §', title: 'Ekonomiskt bistånd utöver rätten enligt 12 kap. 1 §', effectiveFrom: NEW_SOL_START, source: DOMAIN, verified: true },
  { code: 'SoL-12-7', text: 'SoL (2001:453) 4 kap. 3 §', title: 'Riksnorm för försörjningsstöd', effectiveFrom: '2002-01-01', effectiveTo: OLD_SOL_END, source: 'regeringen.se 2023-11, "Riksnorm för 2024 fastställd"', verified: true },
  { code: 'SoL-12-7', text: 'SoL (2025:400) 12 kap. 7 §', title: 'Riksnorm för försörjningsstöd', effectiveFrom: NEW_SOL_START, source: DOMAIN, verified: true },
  { code: 'SoF-2-1', text: 'socialtjänstförordningen (2001:937) 2 kap. 1 §', title: 'Riksnormens belopp', effectiveFrom: '2002-01-01', source: DOMAIN, verified: true, note: 'Whether the amounts moved to a new förordning with SoL (2025:400) is not verified.' },
  { code: 'SoL-jobbstimulans', text: 'SoL (2001:453) 4 kap. 1 c §', title: 'Jobbstimulans: del av arbetsinkomst beaktas inte', effectiveFrom: '2013-07-01', effectiveTo: OLD_SOL_END, source: 'memory of the old law', verified: false },
  { code: 'SoL-jobbstimulans', text: 'SoL (2025:400), jobbstimulans (paragraf ej verifierad)', title: 'Jobbstimulans: del av arbetsinkomst beaktas inte', effectiveFrom: NEW_SOL_START, source: DOMAIN, verified: false, note: UNVERIFIED },
  { code: 'SoL-aktivitetskrav', text: 'SoL (2001:453) 4 kap. 4–6 §§', title: 'Praktik eller kompetenshöjande verksamhet; vägran eller nedsättning vid vägran', effectiveFrom: '2002-01-01', effectiveTo: OLD_SOL_END, source: DOMAIN, verified: true },
  { code: 'SoL-aktivitetskrav', text: 'SoL (2025:400), krav på praktik eller kompetenshöjande verksamhet (paragraf ej verifierad)', title: 'Nämnden får kräva praktik eller kompetenshöjande verksamhet och får vägra eller sätta ned bistånd vid vägran', effectiveFrom: NEW_SOL_START, effectiveTo: '2026-06-30', source: DOMAIN, verified: false, note: UNVERIFIED },
  { code: 'SoL-aktivitetskrav', text: 'SoL (2025:400), aktivitetskrav i lydelse från 2026-07-01 (paragraf ej verifierad)', title: 'Aktivitetskrav: individuell plan efter tre månader; nämnden ska vägra eller sätta ned bistånd vid vägran utan godtagbart skäl', effectiveFrom: '2026-07-01', source: DOMAIN, verified: false, note: `Proposal (Dec 2025), first applied to försörjningsstöd for October 2026; final text not verified. ${UNVERIFIED}` },
  { code: 'SoL-aterkrav', text: 'SoL (2001:453) 9 kap. 1–3 §§', title: 'Återkrav av ekonomiskt bistånd', effectiveFrom: '2002-01-01', effectiveTo: OLD_SOL_END, source: DOMAIN, verified: true },
  { code: 'SoL-aterkrav', text: 'SoL (2025:400), återkrav (kapitel och paragraf ej verifierade)', title: 'Återkrav av ekonomiskt bistånd', effectiveFrom: NEW_SOL_START, source: DOMAIN, verified: false, note: UNVERIFIED },
  { code: 'FL-28', text: 'förvaltningslagen (2017:900) 28 §', title: 'Automatiserat beslutsfattande', effectiveFrom: FL_START, source: DOMAIN, verified: true, note: 'Kommuner may decide automatically since 2022-07-01.' },
  { code: 'FL-32', text: 'förvaltningslagen (2017:900) 32 §', title: 'Motivering av beslut', effectiveFrom: FL_START, source: DOMAIN, verified: true },
  { code: 'FL-33', text: 'förvaltningslagen (2017:900) 33 §', title: 'Underrättelse om beslut och hur det överklagas', effectiveFrom: FL_START, source: DOMAIN, verified: true },
  { code: 'FL-37-39', text: 'förvaltningslagen (2017:900) 37–39 §§', title: 'Omprövning av beslut', effectiveFrom: FL_START, source: DOMAIN, verified: true },
  { code: 'FL-44', text: 'förvaltningslagen (2017:900) 44 §', title: 'Tid för överklagande: tre veckor från den dag klaganden fick del av beslutet', effectiveFrom: FL_START, source: DOMAIN, verified: true },
  { code: 'FL-45', text: 'förvaltningslagen (2017:900) 45 §', title: 'Rättidsprövning av överklagande', effectiveFrom: FL_START, source: DOMAIN, verified: true },
  { code: 'Lag-1930-173', text: 'lagen (1930:173) om beräkning av lagstadgad tid, 1–2 §§', title: 'Beräkning av lagstadgad tid (veckofrist; söndagsregeln)', effectiveFrom: '1930-07-01', source: 'lagen.nu/1930:173', verified: true },
  { code: 'Lag-1989-253', text: 'lagen (1989:253) om allmänna helgdagar', title: 'Allmänna helgdagar', effectiveFrom: '1990-01-01', source: 'riksdagen.se SFS 1989:253', verified: true },
];

/** The version of a law reference in force on a date. */
export function lawReference(code: string, onDate: LocalDate, references: readonly LawReference[] = LAW_REFERENCES): LawReference | undefined {
  return inForce(
    references.filter((r) => r.code === code),
    onDate,
  );
}
