/**
 * The social-insurance number in a record (docs/reconciliation-rules.md, "Social-insurance
 * numbers"): since 1 August 2025 it is the holder's personal ID (12 digits); books and cards
 * registered before keep the older 10-digit number, and a converted book keeps it beside the new
 * one. Detection reads it to link a record keyed by the older number to its person (through the
 * personal ID it carries) and to find a personal-ID number that is not its person's (MISMATCH on
 * `socialInsuranceNumber`); an unreadable one is MALFORMED. Pure functions.
 */
import { CODE_MAX, textProblem } from '../../connectors/identity';
import type { Finding, OtherSource, Problem } from './model';
import type { PopulationIndex } from './population-index';
import { PERSONAL_ID, type Malformed } from './readers';

/** The older social-insurance number: 10 digits. */
export const LEGACY_NUMBER = /^\d{10}$/;

/** Where a source keeps the social-insurance number, and the older number once converted (if it has such a field). */
export interface InsuranceNumberFields {
  field: string;
  former: string | null;
}

/** Why a number field cannot be read (null: a 10- or 12-digit number; `legacyOnly`: 10 digits only). */
function numberProblem(v: unknown, legacyOnly: boolean): Problem | null {
  const p = textProblem(v, CODE_MAX);
  if (p) return p;
  const s = v as string;
  return LEGACY_NUMBER.test(s) || (!legacyOnly && PERSONAL_ID.test(s)) ? null : 'BAD_FORMAT';
}

/** The fast path's test: the number is the record's own personal ID or an older 10-digit one, and the kept one (if any) 10 digits. */
export function numbersInConvention(
  raw: Record<string, unknown>,
  f: InsuranceNumberFields,
  personalId: string,
): boolean {
  const v = raw[f.field];
  if (typeof v !== 'string' || (v !== personalId && !(v.length === 10 && LEGACY_NUMBER.test(v)))) return false;
  if (f.former === null) return true;
  const old = raw[f.former];
  return old === undefined || old === null || (typeof old === 'string' && old.length === 10 && LEGACY_NUMBER.test(old));
}

/**
 * The person a record keyed by an older 10-digit social-insurance number belongs to: the person
 * whose personal ID the record carries as its number; -1 when the key is not such a number or
 * the number names nobody.
 */
export function slotByNumber(
  key: string,
  raw: Record<string, unknown>,
  f: InsuranceNumberFields | undefined,
  index: PopulationIndex,
): number {
  if (!f || key.length !== 10 || !LEGACY_NUMBER.test(key)) return -1;
  const v = raw[f.field];
  return typeof v === 'string' && v.length === 12 && PERSONAL_ID.test(v) ? index.slotOf(v) : -1;
}

/**
 * The number's findings once the person is known: MALFORMED (through `m`) for a number that is
 * neither 10 nor 12 digits or a kept older number that is not 10 digits; MISMATCH on
 * `socialInsuranceNumber` for a 12-digit number that is not the person's personal ID.
 */
export function numberFinding(
  ref: { source: OtherSource; recordKey: string; personalId: string },
  raw: Record<string, unknown>,
  f: InsuranceNumberFields,
  m: Malformed,
): Finding | null {
  const v = raw[f.field];
  const p = numberProblem(v, false);
  if (p) m.bad(f.field, p);
  if (f.former !== null) {
    const old = raw[f.former];
    if (old !== undefined && old !== null) {
      const op = numberProblem(old, true);
      if (op) m.bad(f.former, op);
    }
  }
  if (p || (v as string).length !== 12 || v === ref.personalId) return null;
  return {
    ...ref,
    kind: 'MISMATCH',
    field: 'socialInsuranceNumber',
    sourceValue: v as string,
    trueValue: ref.personalId,
  };
}
