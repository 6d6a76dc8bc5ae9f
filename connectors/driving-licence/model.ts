/**
 * The driving-licence database's own shape (mock of the traffic police's GPLX
 * system). English field names, dates as "YYYYMMDD" strings, gender "M"/"F", the
 * holder's name in upper case with diacritics. `_id` = the personal ID the agency
 * holds for the holder (older records: the 9-digit CMND).
 */
export const DRIVING_LICENCE_DB = 'gplx';
export const DRIVING_LICENCE_COLLECTION = 'licences';

export interface GplxClass {
  code: string; // A1, A, B, C1, C, D1, D2, D, BE, C1E, CE, D1E, D2E, DE; older A2, B1, B2, E, F...
  issued: string; // YYYYMMDD
  expires: string | null; // YYYYMMDD, null = no expiry (A1, A2, A)
}

export interface GplxDoc {
  _id: string;
  holder: {
    name: string; // upper case, with diacritics, e.g. "NGUYỄN VĂN AN"
    birth: string; // YYYYMMDD
    gender: 'M' | 'F';
    idNumber: string; // the ID number printed on the licence application
  };
  licenceNo: string; // 12 digits
  issuer: string; // e.g. "Sở GTVT Hà Nội", "Cục CSGT"
  issued: string; // YYYYMMDD, first issue of this number
  classes: GplxClass[];
  status: 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
  points: number; // 0..12 (points system from 2025)
  modified: Date;
}
