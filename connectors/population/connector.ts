import { FieldReader, recordOf, unreadableOf } from '../fields';
import { todayArea } from '../../reference/areas';
import { CODE_MAX } from '../identity';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type CongDanDoc, type GiayToTuyThan, type TheCuTru } from './model';

/** Longest address line read. */
const ADDRESS_MAX = 200;

/**
 * The hub's reading of the population record; the mapper type behind `Citizen`. A null value
 * the source did not mean as "none" is a field that could not be read: the object remembers why
 * (connectors/fields.ts `unreadableOf`) and the API answers it with SOURCE_DATA_INVALID.
 */
export interface CitizenRecord {
  personalId: string;
  fullName: string | null;
  dateOfBirth: string | null;
  sex: 'MALE' | 'FEMALE' | null;
  ethnicity: string | null;
  nationality: string | null;
  vitalStatus: 'ALIVE' | 'DECEASED' | null;
  dateOfDeath: string | null;
  identityCard: IdentityCardRecord | null;
  /** A foreigner's permanent or temporary residence card; null for citizens (or unreadable: see `unreadableOf`). */
  residenceCard: ResidenceCardRecord | null;
  residence: ResidenceRecord | null;
  household: HouseholdRecord | null;
  family: FamilyRecord;
  provenance: ProvenanceRecord;
  /**
   * Today's province and commune codes of the permanent residence (legacy addresses
   * mapped through the 2025 merger table); null when the source's codes are unknown
   * or unreadable. Used for officers' jurisdiction and reports; not part of the API.
   */
  area: { province: string; commune: string } | null;
}

export type IdentityDocumentKind = 'CMND' | 'CCCD' | 'CCCD_CHIP' | 'IDENTITY_CARD';

export interface IdentityDocumentRecord {
  kind: IdentityDocumentKind | null;
  number: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
  issuedBy: string | null;
}

export interface IdentityCardRecord extends IdentityDocumentRecord {
  history: IdentityDocumentRecord[] | null;
  provenance: ProvenanceRecord;
}

export type ResidenceCardKind = 'PERMANENT' | 'TEMPORARY';

export interface ResidenceCardRecord {
  kind: ResidenceCardKind | null;
  number: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
  issuedBy: string | null;
  provenance: ProvenanceRecord;
}

export interface AreaRecord {
  code: string | null;
  name: string | null;
}

export interface AddressRecord {
  line: string | null;
  commune: AreaRecord | null;
  legacyDistrict: AreaRecord | null;
  province: AreaRecord | null;
  legacy: boolean;
  formatted: string | null;
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
  fullName: string | null;
}

export interface HouseholdRecord {
  householdNumber: string | null;
  head: RelativeRecord | null;
  relationshipToHead: string | null;
  members: HouseholdMemberRecord[] | null;
  provenance: ProvenanceRecord;
}

export interface HouseholdMemberRecord {
  personalId: string | null;
  fullName: string | null;
  relationshipToHead: string | null;
}

export interface DependantRecord {
  personalId: string | null;
  fullName: string | null;
  dateOfBirth: string | null;
  relationship: 'CHILD' | 'WARD' | null;
}

export interface FamilyRecord {
  father: RelativeRecord | null;
  mother: RelativeRecord | null;
  spouse: RelativeRecord | null;
  dependants: DependantRecord[] | null;
  provenance: ProvenanceRecord;
}

const DOCUMENT_KIND: Record<GiayToTuyThan['loai'], IdentityDocumentKind> = {
  CMND: 'CMND',
  CCCD: 'CCCD',
  CCCD_GAN_CHIP: 'CCCD_CHIP',
  THE_CAN_CUOC: 'IDENTITY_CARD',
};
const RESIDENCE_CARD_KIND: Record<TheCuTru['loai'], ResidenceCardKind> = {
  THUONG_TRU: 'PERMANENT',
  TAM_TRU: 'TEMPORARY',
};
const SEX: Record<CongDanDoc['gioiTinh'], 'MALE' | 'FEMALE'> = { Nam: 'MALE', Nữ: 'FEMALE' };
const VITAL_STATUS: Record<CongDanDoc['trangThai'], 'ALIVE' | 'DECEASED'> = { CON_SONG: 'ALIVE', DA_CHET: 'DECEASED' };
const DEPENDANT: Record<string, 'CHILD' | 'WARD'> = { Con: 'CHILD', 'Người được giám hộ': 'WARD' };

const r = new FieldReader('population');

type Raw = Record<string, unknown>;

function mapDocument(g: Raw, at: string): IdentityDocumentRecord {
  const o = {} as IdentityDocumentRecord;
  o.kind = r.code(o, 'kind', g.loai, `${at}.loai`, DOCUMENT_KIND);
  o.number = r.text(o, 'number', g.so, `${at}.so`, CODE_MAX);
  o.issuedOn = r.date(o, 'issuedOn', g.ngayCap, `${at}.ngayCap`);
  o.expiresOn = r.optDate(o, 'expiresOn', g.ngayHetHan, `${at}.ngayHetHan`);
  o.issuedBy = r.text(o, 'issuedBy', g.noiCap, `${at}.noiCap`);
  return o;
}

function mapArea(a: Raw, at: string): AreaRecord {
  const o = {} as AreaRecord;
  o.code = r.text(o, 'code', a.ma, `${at}.ma`, CODE_MAX);
  o.name = r.text(o, 'name', a.ten, `${at}.ten`);
  return o;
}

function mapAddress(a: Raw, at: string): AddressRecord {
  const o = {} as AddressRecord;
  // "" is the source's way of saying there is no line (a place of origin in a ward).
  o.line = a.chiTiet === '' ? '' : r.text(o, 'line', a.chiTiet, `${at}.chiTiet`, ADDRESS_MAX);
  o.commune = r.object(o, 'commune', a.xa, `${at}.xa`, (x) => mapArea(x, `${at}.xa`));
  o.legacyDistrict = r.optObject(o, 'legacyDistrict', a.huyen, `${at}.huyen`, (x) => mapArea(x, `${at}.huyen`));
  o.province = r.object(o, 'province', a.tinh, `${at}.tinh`, (x) => mapArea(x, `${at}.tinh`));
  o.legacy = a.huyen !== undefined && a.huyen !== null;
  // The one-line form needs every part: it is unreadable when one of them is.
  const from: Array<[object | null, string]> = [
    [o, 'line'],
    [o, 'commune'],
    [o.commune, 'name'],
    [o, 'legacyDistrict'],
    [o.legacyDistrict, 'name'],
    [o, 'province'],
    [o.province, 'name'],
  ];
  for (const [obj, key] of from) if (obj && !unreadableOf(o, 'formatted')) r.same(o, 'formatted', obj, key);
  o.formatted = unreadableOf(o, 'formatted')
    ? null
    : [o.line, o.commune?.name, o.legacyDistrict?.name, o.province?.name].filter((p): p is string => !!p).join(', ');
  return o;
}

function mapRelative(v: Raw, at: string): RelativeRecord {
  const o = {} as RelativeRecord;
  o.personalId = r.optText(o, 'personalId', v.soDinhDanh, `${at}.soDinhDanh`, CODE_MAX);
  o.fullName = r.text(o, 'fullName', v.hoTen, `${at}.hoTen`);
  return o;
}

function mapHousehold(h: Raw, prov: ProvenanceRecord): HouseholdRecord {
  const o = { provenance: prov } as HouseholdRecord;
  o.householdNumber = r.text(o, 'householdNumber', h.soHo, 'hoGiaDinh.soHo', CODE_MAX);
  o.head = r.object(o, 'head', h.chuHo, 'hoGiaDinh.chuHo', (x) => mapRelative(x, 'hoGiaDinh.chuHo'));
  o.relationshipToHead = r.text(o, 'relationshipToHead', h.quanHeVoiChuHo, 'hoGiaDinh.quanHeVoiChuHo');
  const headId = o.head?.personalId;
  o.members = r.list(o, 'members', h.thanhVien, 'hoGiaDinh.thanhVien', (m, i) => {
    const at = `hoGiaDinh.thanhVien.${i}`;
    const x = {} as HouseholdMemberRecord;
    x.personalId = r.text(x, 'personalId', m.soDinhDanh, `${at}.soDinhDanh`, CODE_MAX);
    x.fullName = r.text(x, 'fullName', m.hoTen, `${at}.hoTen`);
    x.relationshipToHead = r.text(x, 'relationshipToHead', m.quanHe, `${at}.quanHe`);
    return x;
  });
  // The head first, then the others in the source's order.
  o.members?.sort((a, b) => Number(b.personalId === headId) - Number(a.personalId === headId));
  return o;
}

function mapFamily(d: Raw, prov: ProvenanceRecord): FamilyRecord {
  const o = { provenance: prov } as FamilyRecord;
  o.father = r.optObject(o, 'father', d.cha, 'cha', (x) => mapRelative(x, 'cha'));
  o.mother = r.optObject(o, 'mother', d.me, 'me', (x) => mapRelative(x, 'me'));
  o.spouse = r.optObject(o, 'spouse', d.voChong, 'voChong', (x) => mapRelative(x, 'voChong'));
  o.dependants = r.list(o, 'dependants', d.nguoiPhuThuoc ?? [], 'nguoiPhuThuoc', (p, i) => {
    const at = `nguoiPhuThuoc.${i}`;
    const x = {} as DependantRecord;
    x.personalId = r.optText(x, 'personalId', p.soDinhDanh, `${at}.soDinhDanh`, CODE_MAX);
    x.fullName = r.text(x, 'fullName', p.hoTen, `${at}.hoTen`);
    x.dateOfBirth = r.date(x, 'dateOfBirth', p.ngaySinh, `${at}.ngaySinh`);
    x.relationship = r.code(x, 'relationship', p.quanHe, `${at}.quanHe`, DEPENDANT);
    return x;
  });
  return o;
}

/**
 * Maps a population record to the hub's types (names NFC, ISO dates, enums). Never throws on a
 * bad field: it is null, marked unreadable (connectors/fields.ts), and the rest is read. Throws
 * only when the record is not an object or its `_id` cannot be read.
 */
export function mapCitizen(doc: CongDanDoc): CitizenRecord {
  const d = recordOf(doc);
  const prov = provenance('population', null);
  prov.updatedAtSource = r.optInstant(prov, 'updatedAtSource', d.capNhatLuc, 'capNhatLuc');
  const o = { personalId: d._id, provenance: prov } as CitizenRecord;
  o.fullName = r.text(o, 'fullName', d.hoTen, 'hoTen');
  o.dateOfBirth = r.date(o, 'dateOfBirth', d.ngaySinh, 'ngaySinh');
  o.sex = r.code(o, 'sex', d.gioiTinh, 'gioiTinh', SEX);
  o.ethnicity = r.optText(o, 'ethnicity', d.danToc, 'danToc');
  o.nationality = r.text(o, 'nationality', d.quocTich, 'quocTich');
  o.vitalStatus = r.code(o, 'vitalStatus', d.trangThai, 'trangThai', VITAL_STATUS);
  o.dateOfDeath = r.optDate(o, 'dateOfDeath', d.ngayMat, 'ngayMat');
  o.identityCard = r.optObject(o, 'identityCard', d.theCanCuoc, 'theCanCuoc', (g) => {
    const card = mapDocument(g, 'theCanCuoc') as IdentityCardRecord;
    card.provenance = prov;
    card.history = r.list(card, 'history', d.lichSuGiayTo, 'lichSuGiayTo', (h, i) =>
      mapDocument(h, `lichSuGiayTo.${i}`),
    );
    r.same(card, 'expired', card, 'expiresOn');
    return card;
  });
  o.residenceCard = r.optObject(o, 'residenceCard', d.theCuTru, 'theCuTru', (g) => {
    const card = { provenance: prov } as ResidenceCardRecord;
    card.kind = r.code(card, 'kind', g.loai, 'theCuTru.loai', RESIDENCE_CARD_KIND);
    card.number = r.text(card, 'number', g.so, 'theCuTru.so', CODE_MAX);
    card.issuedOn = r.date(card, 'issuedOn', g.ngayCap, 'theCuTru.ngayCap');
    // Every residence card has an expiry (Law 47/2014 Art. 38, 42 as amended): a missing one is unreadable.
    card.expiresOn = r.date(card, 'expiresOn', g.ngayHetHan, 'theCuTru.ngayHetHan');
    card.issuedBy = r.text(card, 'issuedBy', g.noiCap, 'theCuTru.noiCap');
    r.same(card, 'expired', card, 'expiresOn');
    return card;
  });
  o.residence = r.object(o, 'residence', d.noiThuongTru, 'noiThuongTru', (a) => {
    const res = { provenance: prov } as ResidenceRecord;
    res.permanentAddress = mapAddress(a, 'noiThuongTru');
    res.registeredOn = r.optDate(res, 'registeredOn', a.ngayDangKy, 'noiThuongTru.ngayDangKy');
    res.currentAddress = r.optObject(res, 'currentAddress', d.noiOHienTai, 'noiOHienTai', (x) =>
      mapAddress(x, 'noiOHienTai'),
    );
    res.placeOfOrigin = r.optObject(res, 'placeOfOrigin', d.queQuan, 'queQuan', (x) => mapAddress(x, 'queQuan'));
    return res;
  });
  o.household = r.object(o, 'household', d.hoGiaDinh, 'hoGiaDinh', (h) => mapHousehold(h, prov));
  o.family = mapFamily(d, prov);
  o.area = areaOf(o.residence?.permanentAddress ?? null);
  return o;
}

/** Today's area of the permanent address; null when its codes are unknown or unreadable. */
function areaOf(p: AddressRecord | null): { province: string; commune: string } | null {
  if (!p?.commune?.code || !p.province?.code) return null;
  const a = todayArea({
    xa: { ma: p.commune.code },
    huyen: p.legacyDistrict ?? undefined,
    tinh: { ma: p.province.code },
  });
  return a ? { province: a.province.code, commune: a.commune.code } : null;
}
