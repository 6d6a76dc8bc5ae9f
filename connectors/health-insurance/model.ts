/**
 * The health-insurance (BHYT) database's own shape (mock of Vietnam Social
 * Security). Upper-case snake field names as in VSS exchange files, dates as
 * "dd/MM/yyyy", sex as 1 (male) / 2 (female). `_id` = personal ID as held by VSS
 * (older records: the 9-digit CMND).
 */
export const HEALTH_INSURANCE_DB = 'bhyt';
export const HEALTH_INSURANCE_COLLECTION = 'the_bhyt';

export interface TheBhytDoc {
  _id: string;
  HO_TEN: string; // NFC, mixed case
  NGAY_SINH: string; // dd/MM/yyyy
  GIOI_TINH: 1 | 2;
  MA_SO_BHXH: string; // 10 digits, or the 12-digit personal ID for those first registered since 1 August 2025
  /** Card number: 10-digit social-insurance code (new cards) or 15 chars (old: 2-letter group + level + province + code). */
  MA_THE: string;
  MUC_HUONG: 1 | 2 | 3 | 4 | 5; // benefit level
  GT_THE_TU: string; // dd/MM/yyyy
  GT_THE_DEN: string; // dd/MM/yyyy
  MA_DKBD: string; // registered primary-care facility code
  TEN_DKBD: string;
  NGAY_DU_5NAM: string | null; // dd/MM/yyyy, five-years-continuous date
  /** When this card was issued (dd/MM/yyyy); absent in records written before the field existed. */
  NGAY_CAP?: string | null;
  /**
   * The card's form: paper (`GIAY`) or electronic (`DIEN_TU`, no card printed). Since 1 June 2025
   * cards are electronic, paper only by exception (docs/domain.md); absent in older records.
   */
  HINH_THUC_THE?: 'GIAY' | 'DIEN_TU' | null;
  NGAY_CAP_NHAT: string; // dd/MM/yyyy HH:mm:ss, local time (UTC+7)
}
