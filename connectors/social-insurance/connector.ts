import { fromDmyTimeVn, fromMonthEnd, fromMonthStart } from '../../lib/dates';
import { FieldReader, recordOf } from '../fields';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type CheDoHuong, type QuaTrinhDong, type SoBhxhDoc } from './model';

/** Which kind of number a social-insurance number is: the personal ID (since 1 August 2025) or the older 10-digit one. */
export type SocialInsuranceNumberKind = 'PERSONAL_ID' | 'LEGACY';

/** The two forms of a social-insurance number: 12 digits (the personal ID), 10 digits (the older number). */
export const PERSONAL_ID_NUMBER = /^\d{12}$/;
export const LEGACY_NUMBER = /^\d{10}$/;

/** The kind of a social-insurance number by its form, or null when it is neither (a finding, not a guess). */
export function socialInsuranceNumberKind(s: string): SocialInsuranceNumberKind | null {
  return PERSONAL_ID_NUMBER.test(s) ? 'PERSONAL_ID' : LEGACY_NUMBER.test(s) ? 'LEGACY' : null;
}

type Scheme = 'COMPULSORY' | 'VOLUNTARY' | 'UNEMPLOYMENT';
type BenefitKind = 'SICKNESS' | 'MATERNITY' | 'OCCUPATIONAL_ACCIDENT' | 'PENSION' | 'UNEMPLOYMENT' | 'LUMP_SUM';

/**
 * The hub's reading of a BHXH book; the mapper type behind `SocialInsurance`. Null where the
 * source's value cannot be read (connectors/fields.ts; the API answers SOURCE_DATA_INVALID).
 */
export interface SocialInsuranceRecord {
  socialInsuranceNumber: string | null;
  socialInsuranceNumberKind: SocialInsuranceNumberKind | null;
  legacySocialInsuranceNumber: string | null;
  contributionPeriods: ContributionPeriodRecord[] | null;
  totalMonths: number | null;
  benefits: BenefitRecord[] | null;
  holderNameAtSource: string | null;
  provenance: ProvenanceRecord;
}

export interface ContributionPeriodRecord {
  from: string | null;
  to: string | null;
  employer: string | null;
  salaryBase: number | null;
  scheme: Scheme | null;
}

export interface BenefitRecord {
  kind: BenefitKind | null;
  date: string | null;
  amount: number | null;
}

const SCHEME: Record<QuaTrinhDong['loaiHinh'], Scheme> = { BB: 'COMPULSORY', TN: 'VOLUNTARY', BHTN: 'UNEMPLOYMENT' };
const BENEFIT: Record<CheDoHuong['loai'], BenefitKind> = {
  OM_DAU: 'SICKNESS',
  THAI_SAN: 'MATERNITY',
  TNLD_BNN: 'OCCUPATIONAL_ACCIDENT',
  HUU_TRI: 'PENSION',
  TRO_CAP_THAT_NGHIEP: 'UNEMPLOYMENT',
  MOT_LAN: 'LUMP_SUM',
};
/** Largest Int GraphQL serialises (salary bases are far below it). */
const INT_MAX = 2 ** 31 - 1;

const r = new FieldReader('socialInsurance');

/** Maps a BHXH book; a bad field is null and marked, never thrown (only a bad `_id` throws). */
export function mapSocialInsurance(doc: SoBhxhDoc): SocialInsuranceRecord {
  const d = recordOf(doc);
  const prov = provenance('socialInsurance', null);
  prov.updatedAtSource =
    d.ngayCapNhat === undefined || d.ngayCapNhat === null
      ? null
      : r.parsed(prov, 'updatedAtSource', d.ngayCapNhat, 'ngayCapNhat', fromDmyTimeVn);
  const o = { provenance: prov } as SocialInsuranceRecord;
  o.socialInsuranceNumber = r.parsed(o, 'socialInsuranceNumber', d.maSoBhxh, 'maSoBhxh', (s) =>
    socialInsuranceNumberKind(s) ? s : null,
  );
  o.socialInsuranceNumberKind =
    o.socialInsuranceNumber === null ? null : socialInsuranceNumberKind(o.socialInsuranceNumber);
  r.same(o, 'socialInsuranceNumberKind', o, 'socialInsuranceNumber');
  // The 10-digit number: the number itself while it is one, else the one kept from before the
  // change; with no kept one and an unreadable number, unknown (unreadable like the number).
  if (o.socialInsuranceNumberKind === 'LEGACY') o.legacySocialInsuranceNumber = o.socialInsuranceNumber;
  else if (d.maSoBhxhCu !== undefined && d.maSoBhxhCu !== null)
    o.legacySocialInsuranceNumber = r.parsed(o, 'legacySocialInsuranceNumber', d.maSoBhxhCu, 'maSoBhxhCu', (s) =>
      LEGACY_NUMBER.test(s) ? s : null,
    );
  else {
    o.legacySocialInsuranceNumber = null;
    r.same(o, 'legacySocialInsuranceNumber', o, 'socialInsuranceNumber');
  }
  o.contributionPeriods = r.list(o, 'contributionPeriods', d.quaTrinh, 'quaTrinh', (q, i) => {
    const at = `quaTrinh.${i}`;
    const x = {} as ContributionPeriodRecord;
    x.from = r.parsed(x, 'from', q.tuThang, `${at}.tuThang`, fromMonthStart);
    x.to =
      q.denThang === undefined || q.denThang === null
        ? null
        : r.parsed(x, 'to', q.denThang, `${at}.denThang`, fromMonthEnd);
    x.employer = r.text(x, 'employer', q.donVi, `${at}.donVi`, 200);
    x.salaryBase = r.number(x, 'salaryBase', q.mucLuong, `${at}.mucLuong`, 0, INT_MAX);
    x.scheme = r.code(x, 'scheme', q.loaiHinh, `${at}.loaiHinh`, SCHEME);
    return x;
  });
  o.totalMonths = r.number(o, 'totalMonths', d.tongSoThang, 'tongSoThang', 0, 12 * 100);
  o.benefits = r.list(o, 'benefits', d.cheDo, 'cheDo', (c, i) => {
    const x = {} as BenefitRecord;
    x.kind = r.code(x, 'kind', c.loai, `cheDo.${i}.loai`, BENEFIT);
    x.date = r.date(x, 'date', c.ngay, `cheDo.${i}.ngay`);
    x.amount = r.number(x, 'amount', c.soTien, `cheDo.${i}.soTien`, 0, Number.MAX_SAFE_INTEGER, false);
    return x;
  });
  o.holderNameAtSource = r.text(o, 'holderNameAtSource', d.hoTen, 'hoTen');
  return o;
}
