import { unreadableOf } from '../../connectors/fields';
import type { SourceName } from '../../mockdata/seed-meta';

/**
 * Unreadable source fields, table-driven: per source, fields of each kind, and per kind every way
 * a value can be unreadable (the problems of connectors/identity.ts and dates.ts). Used by the
 * connector tests (the mapper) and the HTTP test (the API and the audit).
 */

export type FieldKind = 'text' | 'date' | 'code' | 'number' | 'object' | 'list' | 'month' | 'number-code';

export interface BadField {
  source: SourceName;
  /** The source's own field, a dotted path in its document (list entries by index). */
  field: string;
  kind: FieldKind;
  /** Absent or null means "none" (no error) for this field. */
  optional?: boolean;
  /** The API path of the field under `citizen` (e.g. `drivingLicence.number`). */
  api: string;
  /** API fields derived from it, unreadable with it. */
  also?: string[];
}

/** A bad value (undefined: the field is removed) and the problem the API must name. */
export type BadValue = readonly [problem: string, value: unknown];

const LONG = 'A'.repeat(5000);

export const BAD_VALUES: Record<FieldKind, readonly BadValue[]> = {
  text: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 12345],
    ['EMPTY', '  \u200b '],
    ['OVERSIZED', LONG],
    ['CONTROL_CHARACTERS', 'Nguy\u0000ễn'],
  ],
  date: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 19900511],
    ['EMPTY', ' '],
    ['OVERSIZED', LONG],
    ['CONTROL_CHARACTERS', '1990-05-\u000711'],
    ['BAD_FORMAT', '2019-02-30'],
  ],
  code: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', true],
    ['EMPTY', ''],
    ['UNKNOWN_CODE', 'XYZ'],
  ],
  number: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', '7'],
    ['BAD_FORMAT', -1],
  ],
  object: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 'ZZQ'],
  ],
  list: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 'ZZQ'],
  ],
  /** A social-insurance number: 10 digits (older) or 12 (the personal ID), nothing else. */
  'number-code': [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 123456789012],
    ['EMPTY', ' '],
    ['OVERSIZED', LONG],
    ['CONTROL_CHARACTERS', '01234\u000056789'],
    ['BAD_FORMAT', '01234-56789'],
    ['BAD_FORMAT', '12345678901'],
  ],
  month: [
    ['MISSING', undefined],
    ['NULL', null],
    ['WRONG_TYPE', 202001],
    ['EMPTY', ' '],
    ['BAD_FORMAT', '13/2020'],
  ],
};

export const BAD_FIELDS: readonly BadField[] = [
  { source: 'population', field: 'hoTen', kind: 'text', api: 'fullName' },
  { source: 'population', field: 'ngaySinh', kind: 'date', api: 'dateOfBirth' },
  { source: 'population', field: 'gioiTinh', kind: 'code', api: 'sex' },
  { source: 'population', field: 'quocTich', kind: 'text', api: 'nationality' },
  { source: 'population', field: 'trangThai', kind: 'code', api: 'vitalStatus' },
  { source: 'population', field: 'theCanCuoc.so', kind: 'text', api: 'identityCard.number' },
  { source: 'population', field: 'theCanCuoc.ngayCap', kind: 'date', api: 'identityCard.issuedOn' },
  {
    source: 'population',
    field: 'theCanCuoc.ngayHetHan',
    kind: 'date',
    optional: true,
    api: 'identityCard.expiresOn',
    also: ['identityCard.expired'],
  },
  { source: 'population', field: 'lichSuGiayTo', kind: 'list', api: 'identityCard.history' },
  {
    source: 'population',
    field: 'noiThuongTru.chiTiet',
    kind: 'text',
    api: 'residence.permanentAddress.line',
    also: ['residence.permanentAddress.formatted'],
  },
  {
    source: 'population',
    field: 'noiThuongTru.xa',
    kind: 'object',
    api: 'residence.permanentAddress.commune',
    also: ['residence.permanentAddress.formatted'],
  },
  { source: 'population', field: 'hoGiaDinh.soHo', kind: 'text', api: 'household.householdNumber' },
  { source: 'population', field: 'hoGiaDinh.chuHo.hoTen', kind: 'text', api: 'household.head.fullName' },
  { source: 'drivingLicence', field: 'licenceNo', kind: 'text', api: 'drivingLicence.number' },
  { source: 'drivingLicence', field: 'issuer', kind: 'text', api: 'drivingLicence.issuedBy' },
  { source: 'drivingLicence', field: 'issued', kind: 'date', api: 'drivingLicence.issuedOn' },
  { source: 'drivingLicence', field: 'status', kind: 'code', api: 'drivingLicence.status' },
  { source: 'drivingLicence', field: 'points', kind: 'number', api: 'drivingLicence.points' },
  { source: 'drivingLicence', field: 'holder', kind: 'object', api: 'drivingLicence.holderName' },
  { source: 'drivingLicence', field: 'holder.name', kind: 'text', api: 'drivingLicence.holderName' },
  { source: 'drivingLicence', field: 'classes.0.issued', kind: 'date', api: 'drivingLicence.classes.0.issuedOn' },
  {
    source: 'drivingLicence',
    field: 'classes.0.expires',
    kind: 'date',
    optional: true,
    api: 'drivingLicence.classes.0.expiresOn',
    also: ['drivingLicence.classes.0.expired'],
  },
  { source: 'healthInsurance', field: 'MA_THE', kind: 'text', api: 'healthInsurance.cardNumber' },
  { source: 'healthInsurance', field: 'MUC_HUONG', kind: 'number', api: 'healthInsurance.benefitLevel' },
  {
    source: 'healthInsurance',
    field: 'GT_THE_DEN',
    kind: 'date',
    api: 'healthInsurance.validTo',
    also: ['healthInsurance.valid'],
  },
  { source: 'healthInsurance', field: 'TEN_DKBD', kind: 'text', api: 'healthInsurance.primaryCareFacility.name' },
  {
    source: 'healthInsurance',
    field: 'NGAY_CAP',
    kind: 'date',
    optional: true,
    api: 'healthInsurance.issuedOn',
  },
  { source: 'healthInsurance', field: 'HINH_THUC_THE', kind: 'code', optional: true, api: 'healthInsurance.form' },
  {
    source: 'socialInsurance',
    field: 'maSoBhxh',
    kind: 'number-code',
    api: 'socialInsurance.socialInsuranceNumber',
    // With no older number kept (maSoBhxhCu), which kind and which 10-digit number are unknown too.
    also: ['socialInsurance.socialInsuranceNumberKind', 'socialInsurance.legacySocialInsuranceNumber'],
  },
  { source: 'socialInsurance', field: 'tongSoThang', kind: 'number', api: 'socialInsurance.totalMonths' },
  { source: 'socialInsurance', field: 'hoTen', kind: 'text', api: 'socialInsurance.holderNameAtSource' },
  {
    source: 'socialInsurance',
    field: 'quaTrinh.0.tuThang',
    kind: 'month',
    api: 'socialInsurance.contributionPeriods.0.from',
  },
  {
    source: 'socialInsurance',
    field: 'quaTrinh.0.loaiHinh',
    kind: 'code',
    api: 'socialInsurance.contributionPeriods.0.scheme',
  },
  { source: 'healthRecord', field: 'bloodType', kind: 'code', optional: true, api: 'healthRecord.bloodType' },
  { source: 'healthRecord', field: 'allergies', kind: 'list', api: 'healthRecord.allergies' },
  { source: 'healthRecord', field: 'encounters.0.date', kind: 'date', api: 'healthRecord.visits.0.date' },
  { source: 'healthRecord', field: 'immunizations.0.dose', kind: 'number', api: 'healthRecord.vaccinations.0.dose' },
  { source: 'healthRecord', field: 'episodes', kind: 'list', optional: true, api: 'healthRecord.treatmentEpisodes' },
  {
    source: 'healthRecord',
    field: 'episodes.0.start',
    kind: 'date',
    api: 'healthRecord.treatmentEpisodes.0.start',
  },
  { source: 'healthRecord', field: 'episodes.0.kind', kind: 'code', api: 'healthRecord.treatmentEpisodes.0.kind' },
  {
    source: 'healthRecord',
    field: 'episodes.0.outcome',
    kind: 'code',
    optional: true,
    api: 'healthRecord.treatmentEpisodes.0.outcome',
  },
];

/** Every (field, bad value) pair, as jest.each rows: [label, field, problem, value]. */
export function badCases(source?: SourceName): Array<[string, BadField, string, unknown]> {
  const out: Array<[string, BadField, string, unknown]> = [];
  for (const f of BAD_FIELDS) {
    if (source && f.source !== source) continue;
    for (const [problem, value] of BAD_VALUES[f.kind]) {
      if (f.optional && (problem === 'MISSING' || problem === 'NULL')) continue;
      out.push([`${f.source} ${f.field} ${problem}`, f, problem, value]);
    }
  }
  return out;
}

/** A deep copy of `doc` with the value at the dotted `path` replaced (undefined: removed). */
export function withValue<T>(doc: T, path: string, value: unknown): T {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy as T;
}

/** The value at a dotted path (list indices as numbers). */
export function valueAt(v: unknown, path: string): unknown {
  for (const k of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** A deep copy of `obj` with the values at the dotted paths set to null (paths not present: left out). */
export function nulled<T>(obj: T, paths: readonly string[]): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.split('.');
    let o: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1];
    if (o && last in o) o[last] = null;
  }
  return copy as T;
}

/**
 * Maps `doc` with the field `f` made unreadable by `value` and checks the result against the clean
 * mapping: the field (and the fields derived from it) null and marked unreadable with the source,
 * the field and the problem; everything else as with the clean record. `paper`: the API field the
 * mapper's record answers (`''` for the population's `Citizen`).
 */
export function expectUnreadable<D>(
  map: (d: D) => object,
  doc: D,
  f: BadField,
  problem: string,
  value: unknown,
  paper: string,
): void {
  const rel = (p: string) => (paper ? p.slice(paper.length + 1) : p);
  const clean = map(doc);
  const bad = map(withValue(doc, f.field, value));
  const failed = [f.api, ...(f.also ?? [])].map(rel);
  expect(bad).toEqual(nulled(clean, failed));
  for (const p of failed) {
    const keys = p.split('.');
    const parent = keys.length > 1 ? valueAt(bad, keys.slice(0, -1).join('.')) : bad;
    expect(unreadableOf(parent, keys[keys.length - 1])).toEqual({ source: f.source, field: f.field, problem });
  }
}
