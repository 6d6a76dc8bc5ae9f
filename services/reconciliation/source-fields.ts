/**
 * Each source's conventions, as detection reads them: where its identity fields are, how it writes
 * dates and sex, which name forms are its storage convention rather than a defect (upper case in
 * driving licences, upper case without diacritics in social insurance), and until when a record
 * is valid (driving licences, health-insurance cards; social-insurance books and health records
 * have no validity). Also what a run asks the store for of each source ({@link SCAN_PROJECTION}).
 */
import { readDate, type DateForm } from '../../lib/dates';
import { codeProblem, objectProblem } from '../../connectors/identity';
import type { InsuranceNumberFields } from './insurance-number';
import type { NameVariant } from './names';
import type { OtherSource, SourceName } from './model';
import { readDateField, valueProblem, type Malformed } from './readers';

/** Positions of an ISO date's eight digits (YYYY-MM-DD). */
const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/** How to read one source's identity fields (every read checks what it finds). */
export interface Adapter {
  /** The sub-document holding the identity fields (`holder`, `patient`), or null: the top level. */
  holder: string | null;
  nameField: string;
  dobField: string;
  sexField: string;
  /** The source's date convention: its form, length, exact pattern, and where the ISO digits (Y Y Y Y M M D D) are. */
  dobForm: DateForm;
  dobLength: number;
  dobPattern: RegExp;
  dobDigits: readonly number[];
  /** The source's codes for male and female. */
  male: unknown;
  female: unknown;
  /** Name forms that are the source's storage convention, not a defect. */
  convention: readonly NameVariant[];
  /** The population's name in the source's convention (fast path: equal means no name finding). */
  conventional(name: string, key: string): string;
  /** When the record is still valid on `today`: until when (ISO, or "NO_EXPIRY"); else null. Reports unreadable fields. */
  validUntil?(d: Record<string, unknown>, today: string, m: Malformed): string | null;
  /**
   * The social-insurance number's fields (since 1 August 2025 the personal ID, else the older 10
   * digits): checked against the person, and used to link a record keyed by the older number.
   */
  insuranceNumber?: InsuranceNumberFields;
}

function compactOf(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

function isoOfCompact(s: string): string {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

const COMPACT = /^\d{8}$/;
const DMY = /^\d{2}\/\d{2}\/\d{4}$/;
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const LICENCE_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'];

const drivingLicence: Adapter = {
  holder: 'holder',
  nameField: 'name',
  dobField: 'birth',
  sexField: 'gender',
  dobForm: 'COMPACT',
  dobLength: 8,
  dobPattern: COMPACT,
  dobDigits: [0, 1, 2, 3, 4, 5, 6, 7],
  male: 'M',
  female: 'F',
  convention: ['UPPER_CASE'],
  conventional: (name) => name.toUpperCase(),
  validUntil(d, today, m) {
    const sp = codeProblem(d.status, LICENCE_STATUSES);
    if (sp) m.bad('status', sp);
    if (!Array.isArray(d.classes)) {
      m.bad('classes', valueProblem(d.classes));
      return null;
    }
    const t = compactOf(today);
    let until: string | null = null;
    let forever = false;
    for (const c of d.classes as unknown[]) {
      const cp = objectProblem(c);
      if (cp) {
        m.bad('classes', cp);
        continue;
      }
      const raw = (c as Record<string, unknown>).expires;
      if (raw === null) {
        forever = true;
        continue;
      }
      let expires: string;
      if (typeof raw === 'string' && COMPACT.test(raw) && readDate(raw)) expires = raw;
      else {
        const e = readDateField(raw, 'COMPACT');
        if (e.problem) {
          m.bad('classes.expires', e.problem);
          continue;
        }
        expires = compactOf(e.value!);
      }
      if (expires >= t && (until === null || expires > until)) until = expires;
    }
    if (sp || d.status !== 'ACTIVE') return null;
    return forever ? 'NO_EXPIRY' : until === null ? null : isoOfCompact(until);
  },
};

const healthInsurance: Adapter = {
  holder: null,
  nameField: 'HO_TEN',
  dobField: 'NGAY_SINH',
  sexField: 'GIOI_TINH',
  dobForm: 'DMY',
  dobLength: 10,
  dobPattern: DMY,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  male: 1,
  female: 2,
  convention: [],
  conventional: (name) => name,
  insuranceNumber: { field: 'MA_SO_BHXH', former: null },
  validUntil(d, today, m) {
    const to = readDateField(d.GT_THE_DEN, 'DMY');
    if (to.problem) {
      m.bad('GT_THE_DEN', to.problem);
      return null;
    }
    return to.value! >= today ? to.value : null;
  },
};

const socialInsurance: Adapter = {
  holder: null,
  nameField: 'hoTen',
  dobField: 'ngaySinh',
  sexField: 'gioiTinh',
  dobForm: 'DMY',
  dobLength: 10,
  dobPattern: DMY,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  male: 'NAM',
  female: 'NU',
  convention: ['UPPER_CASE', 'NO_DIACRITICS', 'D_FOR_DD'],
  conventional: (_name, key) => key,
  insuranceNumber: { field: 'maSoBhxh', former: 'maSoBhxhCu' },
};

const healthRecord: Adapter = {
  holder: 'patient',
  nameField: 'name',
  dobField: 'birthDate',
  sexField: 'gender',
  dobForm: 'ISO',
  dobLength: 10,
  dobPattern: ISO,
  dobDigits: ISO_DIGITS,
  male: 'male',
  female: 'female',
  convention: [],
  conventional: (name) => name,
};

export const ADAPTERS: { [S in OtherSource]: Adapter } = {
  drivingLicence,
  healthInsurance,
  socialInsurance,
  healthRecord,
};

/**
 * The fields detection reads of each source's documents: what a run asks the store for (the
 * store sends nothing else; of a health record, only the patient's identity, never its contents).
 */
export const SCAN_PROJECTION: { [S in SourceName]: Record<string, 1> } = {
  population: {
    hoTen: 1,
    ngaySinh: 1,
    gioiTinh: 1,
    trangThai: 1,
    ngayMat: 1,
    'lichSuGiayTo.loai': 1,
    'lichSuGiayTo.so': 1,
    // Only how many members the household has (a member's relationship is the smallest field).
    'hoGiaDinh.thanhVien.quanHe': 1,
    'noiThuongTru.xa.ma': 1,
    'noiThuongTru.huyen.ma': 1,
    'noiThuongTru.tinh.ma': 1,
    'noiThuongTru.ngayDangKy': 1,
    'theCanCuoc.ngayHetHan': 1,
    'cha.hoTen': 1,
    'me.hoTen': 1,
  },
  drivingLicence: {
    'holder.name': 1,
    'holder.birth': 1,
    'holder.gender': 1,
    status: 1,
    'classes.expires': 1,
  },
  healthInsurance: { HO_TEN: 1, NGAY_SINH: 1, GIOI_TINH: 1, GT_THE_DEN: 1, MA_SO_BHXH: 1 },
  socialInsurance: { hoTen: 1, ngaySinh: 1, gioiTinh: 1, maSoBhxh: 1, maSoBhxhCu: 1 },
  healthRecord: { 'patient.name': 1, 'patient.birthDate': 1, 'patient.gender': 1 },
};

/** The stored date `raw` is the ISO date `iso` in the source's convention (digit by digit, no allocation). */
export function sameDate(iso: string, raw: unknown, a: Adapter): boolean {
  if (typeof raw !== 'string' || raw.length !== a.dobLength) return false;
  for (let i = 0; i < 8; i++) if (iso.charCodeAt(ISO_DIGITS[i]) !== raw.charCodeAt(a.dobDigits[i])) return false;
  return a.dobPattern.test(raw);
}
