/**
 * The population database's own document shape (mock of the Ministry of Public
 * Security's CSDLQG về dân cư). Vietnamese field names, ISO dates as strings
 * ("YYYY-MM-DD"), sex as "Nam"/"Nữ". One document per person, `_id` = the
 * 12-digit personal ID (số định danh cá nhân).
 *
 * Only `connectors/population` reads this; the generator writes it.
 */

/** Database and collection names of this source (prefixed by HUB_DB_PREFIX). */
export const POPULATION_DB = 'pop';
export const POPULATION_COLLECTION = 'congDan';

/** An administrative unit as the source records it: code and name. */
export interface DonViHanhChinh {
  ma: string;
  ten: string;
}

/** An address. `huyen` is present only on records written before the 2025 reform. */
export interface DiaChi {
  chiTiet: string; // house number, street / hamlet
  xa: DonViHanhChinh; // commune / ward
  huyen?: DonViHanhChinh; // pre-2025 district (legacy records only)
  tinh: DonViHanhChinh; // province / centrally-run city
}

/** A relative as referenced from a person's record. */
export interface NguoiThan {
  soDinhDanh?: string; // personal ID, when known
  hoTen: string;
}

/** Identity document: old 9-digit CMND, 12-digit CCCD, chip CCCD or "thẻ căn cước" (2024+). */
export interface GiayToTuyThan {
  loai: 'CMND' | 'CCCD' | 'CCCD_GAN_CHIP' | 'THE_CAN_CUOC';
  so: string;
  ngayCap: string; // YYYY-MM-DD
  ngayHetHan?: string | null; // YYYY-MM-DD; null = no expiry (over 60)
  noiCap: string;
}

/**
 * A foreigner's residence card (thẻ thường trú: permanent; thẻ tạm trú: temporary), issued by the
 * immigration authority (Law 47/2014/QH13 on foreigners' entry, exit, transit and residence, as
 * amended by Law 51/2019/QH14). Only foreigners' records carry one.
 */
export interface TheCuTru {
  loai: 'THUONG_TRU' | 'TAM_TRU';
  so: string;
  ngayCap: string; // YYYY-MM-DD
  ngayHetHan: string; // YYYY-MM-DD
  noiCap: string;
}

export interface ThanhVienHo {
  soDinhDanh: string;
  hoTen: string;
  quanHe: string; // relationship to the head, e.g. "Chủ hộ", "Vợ", "Con", "Cháu"
}

export interface CongDanDoc {
  _id: string; // personal ID, 12 digits
  hoTen: string; // NFC
  ngaySinh: string; // YYYY-MM-DD
  gioiTinh: 'Nam' | 'Nữ';
  danToc: string; // ethnicity, e.g. "Kinh"
  tonGiao?: string;
  quocTich: string; // "Việt Nam"; a foreigner's nationality otherwise ("Hàn Quốc", ...)
  queQuan: DiaChi; // place of origin
  noiThuongTru: DiaChi & { ngayDangKy: string }; // permanent residence
  noiOHienTai?: DiaChi; // current residence, when different
  hoGiaDinh: {
    soHo: string; // household number
    chuHo: NguoiThan;
    quanHeVoiChuHo: string;
    thanhVien: ThanhVienHo[];
  };
  cha?: NguoiThan;
  me?: NguoiThan;
  voChong?: NguoiThan;
  /** Children under 14 and wards registered under this person. */
  nguoiPhuThuoc: Array<NguoiThan & { ngaySinh: string; quanHe: 'Con' | 'Người được giám hộ' }>;
  /** Current identity card (the last entry of the history). Absent for young children. */
  theCanCuoc?: GiayToTuyThan;
  /** Every identity document ever issued, oldest first (incl. old 9-digit CMND). */
  lichSuGiayTo: GiayToTuyThan[];
  /** A foreigner's current residence card (absent for citizens, and for foreigners without one). */
  theCuTru?: TheCuTru;
  trangThai: 'CON_SONG' | 'DA_CHET';
  ngayMat?: string; // YYYY-MM-DD when deceased
  capNhatLuc: Date; // last update at the source
}
