import { fromDmy, fromDmyTimeVn, fromMonthEnd, fromMonthStart } from '../dates';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type CheDoHuong, type QuaTrinhDong, type SoBhxhDoc } from './model';

type Scheme = 'COMPULSORY' | 'VOLUNTARY' | 'UNEMPLOYMENT';
type BenefitKind = 'SICKNESS' | 'MATERNITY' | 'OCCUPATIONAL_ACCIDENT' | 'PENSION' | 'UNEMPLOYMENT' | 'LUMP_SUM';

/** The hub's reading of a BHXH book; the mapper type behind `SocialInsurance`. */
export interface SocialInsuranceRecord {
  socialInsuranceNumber: string;
  contributionPeriods: Array<{ from: string; to: string | null; employer: string; salaryBase: number; scheme: Scheme }>;
  totalMonths: number;
  benefits: Array<{ kind: BenefitKind; date: string; amount: number }>;
  holderNameAtSource: string;
  provenance: ProvenanceRecord;
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

export function mapSocialInsurance(d: SoBhxhDoc): SocialInsuranceRecord {
  return {
    socialInsuranceNumber: d.maSoBhxh,
    contributionPeriods: d.quaTrinh.map((q) => ({
      from: fromMonthStart(q.tuThang),
      to: q.denThang ? fromMonthEnd(q.denThang) : null,
      employer: q.donVi.normalize('NFC'),
      salaryBase: q.mucLuong,
      scheme: SCHEME[q.loaiHinh],
    })),
    totalMonths: d.tongSoThang,
    benefits: d.cheDo.map((c) => ({ kind: BENEFIT[c.loai], date: fromDmy(c.ngay), amount: c.soTien })),
    holderNameAtSource: d.hoTen,
    provenance: provenance('socialInsurance', d.ngayCapNhat ? fromDmyTimeVn(d.ngayCapNhat) : null),
  };
}
