/**
 * The two sides of a FORMAT_ONLY or MISMATCH case, labelled: the population's value and the
 * source's, each as its agency stores it (`raw`: a date `dd/MM/yyyy` in health insurance, a name
 * upper case without marks in social insurance, a sex `1`/`2`) and in the hub's form
 * (`normalised`: what the connectors deliver), so that a reader never has to guess which value is
 * which nor compare a raw form with a normalised one.
 *
 * - a name: Unicode NFC, invisible characters removed, look-alike letters replaced (`cleanName`),
 *   single spaces, trimmed; `key` is the comparison key (no marks, `Đ` as `D`, upper case:
 *   `nameKey`), equal for names that differ only in form — and also for "An"/"Ân", which the
 *   detection tells apart (docs/reconciliation-rules.md);
 * - a date of birth: ISO 8601 (`readDate`, any agency's form);
 * - a sex: `MALE` or `FEMALE` (`readSex`, any agency's coding);
 * - a social-insurance number (MISMATCH only): its digits (10 or 12), trimmed.
 * A value that cannot be read in its field's form keeps `normalised` null.
 */
import { readSex } from '../../connectors/identity';
import { readDate } from '../../lib/dates';
import { cleanName, nameKey } from './names';
import type { FindingDoc, IdentityField } from './model';

export interface SideValue {
  raw: string | null;
  normalised: string | null;
  /** Names only: the comparison key. */
  key: string | null;
}

export interface CaseComparison {
  field: IdentityField;
  population: SideValue;
  source: SideValue;
  /** The normalised values are the same: only the form differs (FORMAT_ONLY). */
  formOnly: boolean;
}

const IDENTITY_FIELDS: readonly string[] = ['fullName', 'dateOfBirth', 'sex', 'socialInsuranceNumber'];

/** The API's name of an identity field (GraphQL `IdentityField`, the CSV's `field`). */
export const IDENTITY_FIELD_NAME = {
  fullName: 'FULL_NAME',
  dateOfBirth: 'DATE_OF_BIRTH',
  sex: 'SEX',
  socialInsuranceNumber: 'SOCIAL_INSURANCE_NUMBER',
} as const satisfies Record<IdentityField, string>;

/** `FULL_NAME`, `DATE_OF_BIRTH`, `SEX`, `SOCIAL_INSURANCE_NUMBER` for an identity field; null for anything else. */
export function identityFieldName(field: string | undefined): (typeof IDENTITY_FIELD_NAME)[IdentityField] | null {
  return field && IDENTITY_FIELDS.includes(field) ? IDENTITY_FIELD_NAME[field as IdentityField] : null;
}

/** A value of `field` in the hub's form (null: unreadable). */
export function normalise(field: IdentityField, raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  switch (field) {
    case 'fullName': {
      const s = cleanName(raw).normalize('NFC').replace(/\s+/g, ' ').trim();
      return s || null;
    }
    case 'dateOfBirth':
      return readDate(raw.trim())?.iso ?? null;
    case 'sex': {
      const sex = readSex(raw);
      return sex === 'M' ? 'MALE' : sex === 'F' ? 'FEMALE' : null;
    }
    case 'socialInsuranceNumber': {
      const s = raw.trim();
      return /^(\d{10}|\d{12})$/.test(s) ? s : null;
    }
  }
}

function side(field: IdentityField, raw: string | null | undefined): SideValue {
  return {
    raw: raw ?? null,
    normalised: normalise(field, raw),
    key: field === 'fullName' && raw ? nameKey(raw) : null,
  };
}

/** Both sides of a FORMAT_ONLY or MISMATCH finding, labelled; null for the other kinds. */
export function caseComparison(
  f: Pick<FindingDoc, 'kind' | 'field' | 'sourceValue' | 'trueValue'>,
): CaseComparison | null {
  if ((f.kind !== 'FORMAT_ONLY' && f.kind !== 'MISMATCH') || !f.field || !IDENTITY_FIELDS.includes(f.field)) {
    return null;
  }
  const field = f.field as IdentityField;
  const population = side(field, f.trueValue);
  const source = side(field, f.sourceValue);
  return { field, population, source, formOnly: f.kind === 'FORMAT_ONLY' };
}
