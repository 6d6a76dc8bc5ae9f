/**
 * Builds the population database's documents (CSDLQG về dân cư mock) from the
 * generator's people: Vietnamese field names, ISO dates, "Nam"/"Nữ", NFC names;
 * addresses in today's form, or in the pre-2025 form (old province, `huyen`) for
 * long-registered households.
 */
import { TODAY, ageOn, instant, isoDate, officeSeconds, type Day } from '../generator/dates';
import type { IdCard, Person, Place } from '../generator/model';
import { REFORM_DAY, currentCard, endOf } from '../generator/people';
import type { Rng } from '../generator/prng';
import {
  POPULATION_COLLECTION,
  POPULATION_DB,
  type CongDanDoc,
  type DiaChi,
  type GiayToTuyThan,
} from '../../connectors/population/model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Dt = Date;

export { POPULATION_COLLECTION, POPULATION_DB };

export function diaChi(place: Place, legacy: boolean): DiaChi {
  if (legacy) {
    const l = place.legacy;
    return {
      chiTiet: place.chiTiet,
      xa: { ma: l.code, ten: l.name },
      huyen: { ma: l.district.code, ten: l.district.name },
      tinh: { ma: l.oldProvince.code, ten: l.oldProvince.fullName },
    };
  }
  return {
    chiTiet: place.chiTiet,
    xa: { ma: place.commune.code, ten: place.commune.name },
    tinh: { ma: place.province.code, ten: place.province.fullName },
  };
}

export function giayTo(c: IdCard): GiayToTuyThan {
  return {
    loai: c.loai,
    so: c.so,
    ngayCap: isoDate(c.ngayCap),
    ngayHetHan: c.ngayHetHan === null ? null : isoDate(c.ngayHetHan),
    noiCap: c.noiCap,
  };
}

/** A member is shown on `viewer`'s record if alive, or (for a deceased viewer) alive at the viewer's death. */
function visibleTo(viewer: Person, m: Person): boolean {
  return m.death === null || (viewer.death !== null && m.death >= viewer.death);
}

export function buildCongDan(p: Person, r: Rng): CongDanDoc {
  const hh = p.household;
  const end = endOf(p);
  const cur = currentCard(p);
  const doc: CongDanDoc = {
    _id: p.id,
    hoTen: p.fullName,
    ngaySinh: isoDate(p.birth),
    gioiTinh: p.sex === 'M' ? 'Nam' : 'Nữ',
    danToc: p.ethnicity,
    tonGiao: p.religion,
    quocTich: p.nationality ?? 'Việt Nam',
    queQuan: diaChi(p.origin, p.legacyAddress),
    noiThuongTru: { ...diaChi(hh.place, p.legacyAddress), ngayDangKy: isoDate(p.registeredDay) },
    hoGiaDinh: {
      soHo: hh.no,
      chuHo: { soDinhDanh: hh.head.id, hoTen: hh.head.fullName },
      quanHeVoiChuHo: p.relation,
      thanhVien: hh.members
        .filter((m) => m === p || visibleTo(p, m))
        .map((m) => ({ soDinhDanh: m.id, hoTen: m.fullName, quanHe: m.relation })),
    },
    nguoiPhuThuoc: p.dependants
      .filter((d) => visibleTo(p, d.person) && ageOn(d.person.birth, end) < 14)
      .map((d) => ({
        soDinhDanh: d.person.id,
        hoTen: d.person.fullName,
        ngaySinh: isoDate(d.person.birth),
        quanHe: d.quanHe,
      })),
    lichSuGiayTo: p.cards.map(giayTo),
    trangThai: p.death === null ? 'CON_SONG' : 'DA_CHET',
    capNhatLuc: new Dt(0),
  };
  if (p.temporary) doc.noiOHienTai = diaChi(p.temporary, false);
  if (p.father)
    doc.cha = p.father.person ? { soDinhDanh: p.father.person.id, hoTen: p.father.name } : { hoTen: p.father.name };
  if (p.mother)
    doc.me = p.mother.person ? { soDinhDanh: p.mother.person.id, hoTen: p.mother.name } : { hoTen: p.mother.name };
  if (p.spouse) doc.voChong = { soDinhDanh: p.spouse.id, hoTen: p.spouse.fullName };
  if (cur) doc.theCanCuoc = giayTo(cur);
  if (p.death !== null) doc.ngayMat = isoDate(p.death);
  if (p.residenceCard) {
    const c = p.residenceCard;
    doc.theCuTru = {
      loai: c.loai,
      so: c.so,
      ngayCap: isoDate(c.ngayCap),
      ngayHetHan: isoDate(c.ngayHetHan),
      noiCap: c.noiCap,
    };
  }
  let last: Day = p.registeredDay;
  if (cur && cur.ngayCap > last) last = cur.ngayCap;
  if (p.residenceCard && p.residenceCard.ngayCap > last) last = p.residenceCard.ngayCap;
  if (p.death !== null && p.death > last) last = p.death;
  const stamp = M.min(TODAY - 1, last + r.int(0, 5));
  doc.capNhatLuc = instant(stamp, officeSeconds(r));
  // Key order of optional fields is fixed by assignment order above; keep it stable.
  return doc;
}

/**
 * A second population record of the same human (DUPLICATE): same name, birth,
 * sex and parents under another personal ID, from an older double registration;
 * its own one-person household, no identity card.
 */
export function buildPopulationDuplicate(
  original: CongDanDoc,
  p: Person,
  dupId: string,
  householdNo: string,
  r: Rng,
): CongDanDoc {
  const registered = M.max(p.birth + 1, p.registeredDay - r.int(200, 4000));
  const doc: CongDanDoc = {
    _id: dupId,
    hoTen: original.hoTen,
    ngaySinh: original.ngaySinh,
    gioiTinh: original.gioiTinh,
    danToc: original.danToc,
    tonGiao: original.tonGiao,
    quocTich: original.quocTich,
    queQuan: original.queQuan,
    noiThuongTru: { ...diaChi(p.household.place, registered < REFORM_DAY), ngayDangKy: isoDate(registered) },
    hoGiaDinh: {
      soHo: householdNo,
      chuHo: { soDinhDanh: dupId, hoTen: original.hoTen },
      quanHeVoiChuHo: 'Chủ hộ',
      thanhVien: [{ soDinhDanh: dupId, hoTen: original.hoTen, quanHe: 'Chủ hộ' }],
    },
    nguoiPhuThuoc: [],
    lichSuGiayTo: [],
    trangThai: 'CON_SONG',
    capNhatLuc: instant(M.min(TODAY - 1, registered + r.int(0, 30)), officeSeconds(r)),
  };
  if (original.cha) doc.cha = { ...original.cha };
  if (original.me) doc.me = { ...original.me };
  return doc;
}
