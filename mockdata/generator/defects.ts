/**
 * The data defects the generator injects (docs/domain.md, "Data quality"), their default rates,
 * and how each is made: a name written another way (FORMAT_ONLY), another name, date of birth
 * or sex (MISMATCH), a key one digit off (DUPLICATE), an unreadable identity field (MALFORMED).
 * generate.ts decides which record gets which, and writes the ground truth.
 */
import type { SeedDefectDoc, SourceName } from '../seed-meta';
import { DEFECT_KINDS, type DefectKind } from '../seed-meta';
import { TODAY, addYears, isoDate, ymd, day as mkDay, type Day } from './dates';
import type { Person } from './model';
import { fullName, mismatchName } from './names';
import type { Registry } from './people';
import { weighted, type Rng } from './prng';
import type { AnySourceSeed } from './source';
import { NAME_VARIANTS, applyNameVariant, type NameVariant } from './text';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const Str = String;
const Num = Number;

/** A defect's ground truth before its `_id` (`defectId`). */
export type DefectRow = Omit<SeedDefectDoc, '_id'>;

/**
 * Default defect rates. Each rate is a probability per record of its basis:
 * - FORMAT_ONLY, MISMATCH, DUPLICATE: per normal record of a person in a non-population source
 *   (FORMAT_ONLY not in social insurance, whose convention is already upper case without diacritics;
 *   in social insurance 30% of the mismatches of books numbered by the personal ID are the number
 *   typed one digit off, sources-2025.ts);
 * - OLD_ID_KEY: per normal record of a person who has an old 9-digit CMND, and of a converted
 *   social-insurance book (filed under its older 10-digit number; sources-2025.ts);
 * - DECEASED_ACTIVE: per record of a deceased person in driving licence / health insurance;
 * - ORPHAN: orphan records per normal record of the source;
 * - DUPLICATE in population: per living person;
 * - EXPIRED_ID_CARD: per living person with a card that has expired by today (who did not renew).
 * - MALFORMED: per record of a person in any source, the population included; a field the
 *   reconciliation reads is made unreadable (null, missing, a number, empty, oversized, a control
 *   character, an unknown code, a date that is none). Only records with no other defect (and, in
 *   the population, people with no defect anywhere), so that no other finding depends on it. 0 by
 *   default (the test data sets, which pick citizens by their records, stay clean); the demo seed
 *   (`npm start`, `npm run seed`) uses {@link DEMO_MALFORMED_RATE}; the bench and the detection
 *   tests raise it. The API answers such a field null with SOURCE_DATA_INVALID (connectors/fields.ts).
 * For one record the kinds FORMAT_ONLY, MISMATCH, OLD_ID_KEY, DUPLICATE, DECEASED_ACTIVE exclude each other.
 */
export const DEFAULT_DEFECT_RATES: Record<DefectKind, number> = {
  FORMAT_ONLY: 0.03,
  MISMATCH: 0.015,
  OLD_ID_KEY: 0.02,
  ORPHAN: 0.01,
  DUPLICATE: 0.01,
  DECEASED_ACTIVE: 0.1,
  EXPIRED_ID_CARD: 0.02,
  MALFORMED: 0,
};

/** MALFORMED rate of the demo seed: about 1 record in 700, a realistic share of dirty records. */
export const DEMO_MALFORMED_RATE = 0.0015;

/** Where each source keeps the identity fields a MALFORMED defect makes unreadable. */
const IDENTITY_FIELDS: Record<SourceName, { holder: string | null; name: string; dob: string; sex: string }> = {
  population: { holder: null, name: 'hoTen', dob: 'ngaySinh', sex: 'gioiTinh' },
  drivingLicence: { holder: 'holder', name: 'name', dob: 'birth', sex: 'gender' },
  healthInsurance: { holder: null, name: 'HO_TEN', dob: 'NGAY_SINH', sex: 'GIOI_TINH' },
  socialInsurance: { holder: null, name: 'hoTen', dob: 'ngaySinh', sex: 'gioiTinh' },
  healthRecord: { holder: 'patient', name: 'name', dob: 'birthDate', sex: 'gender' },
};

/** A bad value and the problem reconciliation must name (`undefined`: the field is removed). */
type BadValue = readonly [problem: string, value: (v: unknown) => unknown];

const BAD_TEXT: readonly BadValue[] = [
  ['NULL', () => null],
  ['MISSING', () => undefined],
  ['WRONG_TYPE', () => 12345],
  ['EMPTY', () => '  '],
  ['OVERSIZED', (v) => Str(v).padEnd(101, 'A')],
  ['CONTROL_CHARACTERS', (v) => Str(v).slice(0, 3) + '\u0000' + Str(v).slice(3)],
];
const BAD_DATE: readonly BadValue[] = [...BAD_TEXT.slice(0, 4), ['BAD_FORMAT', () => '31/02/1990']];
const BAD_SEX: readonly BadValue[] = [
  ['NULL', () => null],
  ['WRONG_TYPE', () => true],
  ['UNKNOWN_CODE', () => 'X'],
];

/**
 * Makes one identity field of `doc` unreadable (or, `holder`: the identity sub-document, or the
 * population's commune) and returns the ground truth's field and problem.
 */
export function malform(r: Rng, source: SourceName, doc: Record<string, unknown>): { field: string; problem: string } {
  const f = IDENTITY_FIELDS[source];
  const x = r.next();
  if (f.holder && x < 0.1) {
    delete doc[f.holder];
    return { field: f.holder, problem: 'MISSING' };
  }
  if (source === 'population' && x < 0.15) {
    delete (doc.noiThuongTru as Record<string, unknown>).xa;
    return { field: 'noiThuongTru.xa', problem: 'MISSING' };
  }
  const holder = (f.holder ? doc[f.holder] : doc) as Record<string, unknown>;
  const [key, table] = x < 0.55 ? [f.name, BAD_TEXT] : x < 0.8 ? [f.dob, BAD_DATE] : [f.sex, BAD_SEX];
  const [problem, make] = r.pick(table);
  const value = make(holder[key]);
  if (value === undefined) delete holder[key];
  else holder[key] = value;
  return { field: f.holder ? `${f.holder}.${key}` : key, problem };
}

export function resolveRates(rates?: Partial<Record<DefectKind, number>>): Record<DefectKind, number> {
  const out = { ...DEFAULT_DEFECT_RATES };
  for (const [k, v] of Object.entries(rates ?? {})) {
    if (!DEFECT_KINDS.includes(k as DefectKind)) throw new Error(`unknown defect kind ${k}`);
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`defect rate ${k} must be in [0, 1], got ${v}`);
    out[k as DefectKind] = v;
  }
  const exclusive = out.FORMAT_ONLY + out.MISMATCH + out.OLD_ID_KEY + out.DUPLICATE + out.DECEASED_ACTIVE;
  if (exclusive > 1)
    throw new Error(
      `FORMAT_ONLY + MISMATCH + OLD_ID_KEY + DUPLICATE + DECEASED_ACTIVE must not exceed 1 (got ${exclusive})`,
    );
  return out;
}

export function defectId(source: SourceName, recordKey: string, kind: DefectKind, field?: string): string {
  return `${source}:${recordKey}:${kind}:${field ?? ''}`;
}

const VARIANT_WEIGHT: Record<NameVariant, number> = {
  UPPER_CASE: 1,
  NO_DIACRITICS: 1,
  NFD: 1,
  OLD_TONE_MARK: 4,
  D_FOR_DD: 2,
};

/** A wrong date of birth: day and month swapped, another year, or a few days off. */
export function mismatchDob(r: Rng, birth: Day): Day {
  for (let i = 0; i < 20; i++) {
    const { y, m, d } = ymd(birth);
    const x = r.next();
    let cand: Day;
    if (x < 0.3 && d <= 12 && d !== m) cand = mkDay(y, d, m);
    else if (x < 0.65) cand = addYears(birth, r.chance(0.5) ? r.int(1, 3) : -r.int(1, 3));
    else cand = birth + (r.chance(0.5) ? 1 : -1) * r.int(1, 20);
    if (cand !== birth && cand < TODAY && ymd(cand).y >= 1920) return cand;
  }
  return birth - 1;
}

/** A 12-digit key one digit away from `id` (in the random part), reserved so no person gets it. */
export function typoId(r: Rng, reg: Registry, id: string): string {
  for (;;) {
    const pos = 6 + r.int(0, 5);
    const digit = Str((Num(id[pos]) + r.int(1, 9)) % 10);
    const cand = id.slice(0, pos) + digit + id.slice(pos + 1);
    if (reg.reserve(cand)) return cand;
  }
}

/** FORMAT_ONLY: the same name written another way (a variant the name has), or null when it has none. */
export function formatOnlyDefect(s: AnySourceSeed, doc: { _id: string }, p: Person, rd: Rng): DefectRow | null {
  const conv = s.getName(doc);
  const options = NAME_VARIANTS.map((v) => [v, applyNameVariant(conv, v, s.upperName)] as const).filter(
    (x): x is readonly [(typeof x)[0], string] => x[1] !== null,
  );
  if (options.length === 0) return null;
  // The rarer forms get more weight so that every variant is well represented.
  const [variant, value] = rd.pickW(weighted(options.map((o) => [o, VARIANT_WEIGHT[o[0]]] as const)));
  s.setName(doc, value);
  return {
    source: s.source,
    recordKey: doc._id,
    personalId: p.id,
    kind: 'FORMAT_ONLY',
    field: 'fullName',
    variant,
    sourceValue: value,
    trueValue: p.fullName,
  };
}

/** MISMATCH: another name, date of birth or sex than the population's. */
export function mismatchDefect(s: AnySourceSeed, doc: { _id: string }, p: Person, rd: Rng): DefectRow {
  const row = (field: string, sourceValue: string, trueValue: string): DefectRow => ({
    source: s.source,
    recordKey: doc._id,
    personalId: p.id,
    kind: 'MISMATCH',
    field,
    sourceValue,
    trueValue,
  });
  const f = rd.next();
  if (f < 0.5) {
    const other = s.conventionalName(fullName(mismatchName(rd, p.name, p.sex, ymd(p.birth).y)));
    s.setName(doc, other);
    return row('fullName', other, p.fullName);
  } else if (f < 0.85) {
    s.setDob(doc, mismatchDob(rd, p.birth));
    return row('dateOfBirth', s.getDob(doc), isoDate(p.birth));
  }
  s.setSex(doc, p.sex === 'M' ? 'F' : 'M');
  return row('sex', s.getSex(doc), p.sex === 'M' ? 'Nam' : 'Nữ');
}
