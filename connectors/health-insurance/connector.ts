import { fromDmyTimeVn } from '../../lib/dates';
import { FieldReader, recordOf, unreadableOf } from '../fields';
import { CODE_MAX } from '../identity';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type TheBhytDoc } from './model';

/**
 * The hub's reading of a BHYT card; the mapper type behind `HealthInsurance`. Null where the
 * source's value cannot be read (connectors/fields.ts; the API answers SOURCE_DATA_INVALID).
 */
export interface HealthInsuranceRecord {
  cardNumber: string | null;
  socialInsuranceCode: string | null;
  benefitLevel: number | null;
  validFrom: string | null;
  validTo: string | null;
  primaryCareFacility: { code: string | null; name: string | null };
  fiveYearsContinuousFrom: string | null;
  issuedOn: string | null;
  form: HealthInsuranceCardForm | null;
  provenance: ProvenanceRecord;
}

/** A card's form: a printed card, or electronic (shown in VNeID / VssID or read from the chip ID card, no card printed). */
export type HealthInsuranceCardForm = 'PAPER' | 'ELECTRONIC';

/**
 * From this day cards are issued electronic, and a paper card is printed only by exception (the
 * holder cannot install VssID or VNeID, or has no chip ID card): VSS official letter 168/BHXH-QLT
 * of 26 March 2025 as reported (docs/domain.md; the text itself unconfirmed).
 */
export const ELECTRONIC_FROM = '2025-06-01';

const FORMS: Record<string, HealthInsuranceCardForm> = { GIAY: 'PAPER', DIEN_TU: 'ELECTRONIC' };

const r = new FieldReader('healthInsurance');

/**
 * The card's form, decided by its issue date: issued since {@link ELECTRONIC_FROM}, ELECTRONIC
 * unless the record says a paper card was printed (one of the exceptions); issued before, as
 * recorded, else PAPER (the only form then printed); no issue date, as recorded, else unknown.
 * Nothing shows a paper card the record does not name.
 */
function cardForm(o: HealthInsuranceRecord, d: Record<string, unknown>): void {
  o.issuedOn = r.optDate(o, 'issuedOn', d.NGAY_CAP, 'NGAY_CAP');
  const stored =
    d.HINH_THUC_THE === undefined || d.HINH_THUC_THE === null
      ? null
      : r.code(o, 'form', d.HINH_THUC_THE, 'HINH_THUC_THE', FORMS);
  if (stored !== null || unreadableOf(o, 'form')) o.form = stored;
  else if (o.issuedOn === null) {
    // Decided by the date: unreadable with it (an absent date leaves it unknown, not an error).
    o.form = null;
    r.same(o, 'form', o, 'issuedOn');
  } else o.form = o.issuedOn >= ELECTRONIC_FROM ? 'ELECTRONIC' : 'PAPER';
}

/** Maps a card record; a bad field is null and marked, never thrown (only a bad `_id` throws). */
export function mapHealthInsurance(doc: TheBhytDoc): HealthInsuranceRecord {
  const d = recordOf(doc);
  const prov = provenance('healthInsurance', null);
  prov.updatedAtSource =
    d.NGAY_CAP_NHAT === undefined || d.NGAY_CAP_NHAT === null
      ? null
      : r.parsed(prov, 'updatedAtSource', d.NGAY_CAP_NHAT, 'NGAY_CAP_NHAT', fromDmyTimeVn);
  const o = { provenance: prov } as HealthInsuranceRecord;
  o.cardNumber = r.text(o, 'cardNumber', d.MA_THE, 'MA_THE', CODE_MAX);
  o.socialInsuranceCode = r.text(o, 'socialInsuranceCode', d.MA_SO_BHXH, 'MA_SO_BHXH', CODE_MAX);
  o.benefitLevel = r.number(o, 'benefitLevel', d.MUC_HUONG, 'MUC_HUONG', 1, 5);
  o.validFrom = r.date(o, 'validFrom', d.GT_THE_TU, 'GT_THE_TU');
  o.validTo = r.date(o, 'validTo', d.GT_THE_DEN, 'GT_THE_DEN');
  r.same(o, 'valid', o, 'validFrom');
  r.same(o, 'valid', o, 'validTo');
  const facility = {} as HealthInsuranceRecord['primaryCareFacility'];
  facility.code = r.text(facility, 'code', d.MA_DKBD, 'MA_DKBD', CODE_MAX);
  facility.name = r.text(facility, 'name', d.TEN_DKBD, 'TEN_DKBD');
  o.primaryCareFacility = facility;
  o.fiveYearsContinuousFrom = r.optDate(o, 'fiveYearsContinuousFrom', d.NGAY_DU_5NAM, 'NGAY_DU_5NAM');
  cardForm(o, d);
  return o;
}
