import { fromDmy, fromDmyTimeVn } from '../dates';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type TheBhytDoc } from './model';

/** The hub's reading of a BHYT card; the mapper type behind `HealthInsurance`. */
export interface HealthInsuranceRecord {
  cardNumber: string;
  socialInsuranceCode: string;
  benefitLevel: number;
  validFrom: string;
  validTo: string;
  primaryCareFacility: { code: string; name: string };
  fiveYearsContinuousFrom: string | null;
  provenance: ProvenanceRecord;
}

export function mapHealthInsurance(d: TheBhytDoc): HealthInsuranceRecord {
  return {
    cardNumber: d.MA_THE,
    socialInsuranceCode: d.MA_SO_BHXH,
    benefitLevel: d.MUC_HUONG,
    validFrom: fromDmy(d.GT_THE_TU),
    validTo: fromDmy(d.GT_THE_DEN),
    primaryCareFacility: { code: d.MA_DKBD, name: d.TEN_DKBD.normalize('NFC') },
    fiveYearsContinuousFrom: d.NGAY_DU_5NAM ? fromDmy(d.NGAY_DU_5NAM) : null,
    provenance: provenance('healthInsurance', d.NGAY_CAP_NHAT ? fromDmyTimeVn(d.NGAY_CAP_NHAT) : null),
  };
}
