import { fromDmyTimeVn, fromMonthEnd, fromMonthStart } from '../../lib/dates';
import { FieldReader, recordOf } from '../fields';
import { CODE_MAX } from '../identity';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type CheDoHuong, type QuaTrinhDong, type SoBhxhDoc } from './model';

type Scheme = 'COMPULSORY' | 'VOLUNTARY' | 'UNEMPLOYMENT';
type BenefitKind = 'SICKNESS' | 'MATERNITY' | 'OCCUPATIONAL_ACCIDENT' | 'PENSION' | 'UNEMPLOYMENT' | 'LUMP_SUM';

/**
 * The hub's reading of a BHXH book; the mapper type behind `SocialInsurance`. Null where the
 * source's value cannot be read (connectors/fields.ts; the API answers SOURCE_DATA_INVALID).
 */
export interface SocialInsuranceRecord {
  socialInsuranceNumber: string | null;
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
  o.socialInsuranceNumber = r.text(o, 'socialInsuranceNumber', d.maSoBhxh, 'maSoBhxh', CODE_MAX);
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
