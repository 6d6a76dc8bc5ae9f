import { fromIsoDate } from '../dates';
import { todayArea } from '../generator/areas';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type CongDanDoc, type DiaChi, type GiayToTuyThan, type NguoiThan } from './model';

/** The hub's reading of the population record; the mapper type behind `Citizen`. */
export interface CitizenRecord {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  sex: 'MALE' | 'FEMALE';
  ethnicity: string | null;
  nationality: string;
  vitalStatus: 'ALIVE' | 'DECEASED';
  dateOfDeath: string | null;
  identityCard: IdentityCardRecord | null;
  residence: ResidenceRecord;
  household: HouseholdRecord;
  family: FamilyRecord;
  provenance: ProvenanceRecord;
  /**
   * Today's province and commune codes of the permanent residence (legacy addresses
   * mapped through the 2025 merger table); null when the source's codes are unknown.
   * Used for officers' jurisdiction and reports; not part of the API.
   */
  area: { province: string; commune: string } | null;
}

export type IdentityDocumentKind = 'CMND' | 'CCCD' | 'CCCD_CHIP' | 'IDENTITY_CARD';

export interface IdentityDocumentRecord {
  kind: IdentityDocumentKind;
  number: string;
  issuedOn: string;
  expiresOn: string | null;
  issuedBy: string;
}

export interface IdentityCardRecord extends IdentityDocumentRecord {
  history: IdentityDocumentRecord[];
  provenance: ProvenanceRecord;
}

export interface AreaRecord {
  code: string;
  name: string;
}

export interface AddressRecord {
  line: string;
  commune: AreaRecord;
  legacyDistrict: AreaRecord | null;
  province: AreaRecord;
  legacy: boolean;
  formatted: string;
}

export interface ResidenceRecord {
  permanentAddress: AddressRecord;
  registeredOn: string | null;
  currentAddress: AddressRecord | null;
  placeOfOrigin: AddressRecord | null;
  provenance: ProvenanceRecord;
}

export interface RelativeRecord {
  personalId: string | null;
  fullName: string;
}

export interface HouseholdRecord {
  householdNumber: string;
  head: RelativeRecord;
  relationshipToHead: string;
  members: Array<{ personalId: string; fullName: string; relationshipToHead: string }>;
  provenance: ProvenanceRecord;
}

export interface FamilyRecord {
  father: RelativeRecord | null;
  mother: RelativeRecord | null;
  spouse: RelativeRecord | null;
  dependants: Array<{
    personalId: string | null;
    fullName: string;
    dateOfBirth: string;
    relationship: 'CHILD' | 'WARD';
  }>;
  provenance: ProvenanceRecord;
}

const DOCUMENT_KIND: Record<GiayToTuyThan['loai'], IdentityDocumentKind> = {
  CMND: 'CMND',
  CCCD: 'CCCD',
  CCCD_GAN_CHIP: 'CCCD_CHIP',
  THE_CAN_CUOC: 'IDENTITY_CARD',
};

const nfc = (s: string): string => s.normalize('NFC');

function mapDocument(g: GiayToTuyThan): IdentityDocumentRecord {
  return {
    kind: DOCUMENT_KIND[g.loai],
    number: g.so,
    issuedOn: fromIsoDate(g.ngayCap),
    expiresOn: g.ngayHetHan ? fromIsoDate(g.ngayHetHan) : null,
    issuedBy: nfc(g.noiCap),
  };
}

function mapAddress(a: DiaChi): AddressRecord {
  const parts = [a.chiTiet, a.xa.ten, a.huyen?.ten, a.tinh.ten].filter((p): p is string => !!p);
  return {
    line: nfc(a.chiTiet),
    commune: { code: a.xa.ma, name: nfc(a.xa.ten) },
    legacyDistrict: a.huyen ? { code: a.huyen.ma, name: nfc(a.huyen.ten) } : null,
    province: { code: a.tinh.ma, name: nfc(a.tinh.ten) },
    legacy: !!a.huyen,
    formatted: nfc(parts.join(', ')),
  };
}

function mapRelative(r: NguoiThan | undefined): RelativeRecord | null {
  return r ? { personalId: r.soDinhDanh ?? null, fullName: nfc(r.hoTen) } : null;
}

/** Maps a population record to the hub's types (names NFC, ISO dates, enums). */
export function mapCitizen(d: CongDanDoc): CitizenRecord {
  const prov = provenance('population', d.capNhatLuc ?? null);
  const history = d.lichSuGiayTo.map(mapDocument);
  const headId = d.hoGiaDinh.chuHo.soDinhDanh;
  return {
    personalId: d._id,
    fullName: nfc(d.hoTen),
    dateOfBirth: fromIsoDate(d.ngaySinh),
    sex: d.gioiTinh === 'Nam' ? 'MALE' : 'FEMALE',
    ethnicity: d.danToc ? nfc(d.danToc) : null,
    nationality: nfc(d.quocTich),
    vitalStatus: d.trangThai === 'DA_CHET' ? 'DECEASED' : 'ALIVE',
    dateOfDeath: d.ngayMat ? fromIsoDate(d.ngayMat) : null,
    identityCard: d.theCanCuoc ? { ...mapDocument(d.theCanCuoc), history, provenance: prov } : null,
    residence: {
      permanentAddress: mapAddress(d.noiThuongTru),
      registeredOn: d.noiThuongTru.ngayDangKy ? fromIsoDate(d.noiThuongTru.ngayDangKy) : null,
      currentAddress: d.noiOHienTai ? mapAddress(d.noiOHienTai) : null,
      placeOfOrigin: d.queQuan ? mapAddress(d.queQuan) : null,
      provenance: prov,
    },
    household: {
      householdNumber: d.hoGiaDinh.soHo,
      head: mapRelative(d.hoGiaDinh.chuHo)!,
      relationshipToHead: nfc(d.hoGiaDinh.quanHeVoiChuHo),
      // The head first, then the others in the source's order.
      members: d.hoGiaDinh.thanhVien
        .map((m) => ({ personalId: m.soDinhDanh, fullName: nfc(m.hoTen), relationshipToHead: nfc(m.quanHe) }))
        .sort((a, b) => Number(b.personalId === headId) - Number(a.personalId === headId)),
      provenance: prov,
    },
    family: {
      father: mapRelative(d.cha),
      mother: mapRelative(d.me),
      spouse: mapRelative(d.voChong),
      dependants: (d.nguoiPhuThuoc ?? []).map((p) => ({
        personalId: p.soDinhDanh ?? null,
        fullName: nfc(p.hoTen),
        dateOfBirth: fromIsoDate(p.ngaySinh),
        relationship: p.quanHe === 'Con' ? 'CHILD' : 'WARD',
      })),
      provenance: prov,
    },
    provenance: prov,
    area: areaOf(d),
  };
}

function areaOf(d: CongDanDoc): { province: string; commune: string } | null {
  const a = todayArea(d.noiThuongTru);
  return a ? { province: a.province.code, commune: a.commune.code } : null;
}
