/**
 * The social-insurance (BHXH) database's own shape (mock of Vietnam Social
 * Security's contribution records). By this agency's convention names are stored
 * in UPPER CASE WITHOUT DIACRITICS ("NGUYEN VAN AN") and dates as "dd/MM/yyyy";
 * months as "MM/yyyy". `_id` = personal ID as held (older records: 9-digit CMND).
 */
export const SOCIAL_INSURANCE_DB = 'bhxh';
export const SOCIAL_INSURANCE_COLLECTION = 'so_bhxh';

export interface QuaTrinhDong {
  tuThang: string; // MM/yyyy
  denThang: string | null; // MM/yyyy, null = ongoing
  donVi: string; // employer (or "Tự đóng" for voluntary)
  mucLuong: number; // salary base, VND per month
  loaiHinh: 'BB' | 'TN' | 'BHTN'; // compulsory / voluntary / unemployment insurance
}

export interface CheDoHuong {
  loai: 'OM_DAU' | 'THAI_SAN' | 'TNLD_BNN' | 'HUU_TRI' | 'TRO_CAP_THAT_NGHIEP' | 'MOT_LAN';
  ngay: string; // dd/MM/yyyy
  soTien: number; // VND
}

export interface SoBhxhDoc {
  _id: string;
  hoTen: string; // UPPER CASE, no diacritics
  ngaySinh: string; // dd/MM/yyyy
  gioiTinh: 'NAM' | 'NU';
  /**
   * The social-insurance number in force: the 12-digit personal ID for books opened since 1 August
   * 2025 and for older books VSS has converted; the 10-digit number for older books not converted
   * (docs/domain.md, "Social-insurance numbers since 1 August 2025").
   */
  maSoBhxh: string;
  /** The book's former 10-digit number, kept when `maSoBhxh` became the personal ID; absent or null otherwise. */
  maSoBhxhCu?: string | null;
  quaTrinh: QuaTrinhDong[];
  tongSoThang: number;
  cheDo: CheDoHuong[];
  ngayCapNhat: string; // dd/MM/yyyy
}
