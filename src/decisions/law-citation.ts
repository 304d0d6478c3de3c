import { lawReference } from '../rules/law-references.js';
import { ruleBroken } from '../shared/errors.js';
import type { LocalDate } from '../shared/dates.js';

/** A law reference as a decision records it: the code, resolved to the wording in force that day. */
export interface CitedLaw {
  readonly code: string;
  /** E.g. 'SoL (2025:400) 12 kap. 1 §'. */
  readonly text: string;
  readonly title: string;
  /** The version of the reference: code@the date that wording came into force. */
  readonly version: string;
  readonly verified: boolean;
}

/** Resolves a law code on a date; an unknown code (or none in force) is a 422 naming the code. */
export function citeLaw(code: string, on: LocalDate, field = 'legalReferences'): CitedLaw {
  const ref = lawReference(code, on);
  ruleBroken(ref !== undefined, 'unknown_legal_reference', `Lagrumskoden "${code}" (${field}) är okänd eller inte i kraft ${on}.`, 422, { field, code, on });
  return { code: ref.code, text: ref.text, title: ref.title, version: `${ref.code}@${ref.effectiveFrom}`, verified: ref.verified };
}
