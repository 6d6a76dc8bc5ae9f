import { PROVINCES } from '../../mockdata/generator/areas';
import { unreadableOf } from '../../connectors/fields';
import { badCases, expectUnreadable } from '../support/bad-fields';
import { mapCitizen } from '../../connectors/population/connector';
import type { CongDanDoc } from '../../connectors/population/model';

const nfd = (s: string) => s.normalize('NFD');

export const congDan: CongDanDoc = {
  _id: '001095012345',
  hoTen: nfd('Nguyễn Thị Thúy'),
  ngaySinh: '1995-03-05',
  gioiTinh: 'Nữ',
  danToc: 'Kinh',
  quocTich: 'Việt Nam',
  queQuan: {
    chiTiet: 'Thôn Đông',
    xa: { ma: '13225', ten: 'Xã Hải Hậu' },
    huyen: { ma: '365', ten: 'Huyện Hải Hậu' },
    tinh: { ma: '36', ten: 'Tỉnh Nam Định' },
  },
  noiThuongTru: {
    chiTiet: 'Số 12 ngõ 5 phố Huế',
    xa: { ma: '00256', ten: 'Phường Hai Bà Trưng' },
    tinh: { ma: '01', ten: 'Thành phố Hà Nội' },
    ngayDangKy: '2015-06-01',
  },
  hoGiaDinh: {
    soHo: '010123456',
    chuHo: { soDinhDanh: '001090001111', hoTen: 'Trần Văn Nam' },
    quanHeVoiChuHo: 'Vợ',
    thanhVien: [
      { soDinhDanh: '001095012345', hoTen: 'Nguyễn Thị Thúy', quanHe: 'Vợ' },
      { soDinhDanh: '001090001111', hoTen: 'Trần Văn Nam', quanHe: 'Chủ hộ' },
      { soDinhDanh: '001220009999', hoTen: 'Trần Minh Khoa', quanHe: 'Con' },
    ],
  },
  cha: { soDinhDanh: '036065000001', hoTen: 'Nguyễn Văn Hòa' },
  me: { hoTen: 'Lê Thị Mai' },
  voChong: { soDinhDanh: '001090001111', hoTen: 'Trần Văn Nam' },
  nguoiPhuThuoc: [{ soDinhDanh: '001220009999', hoTen: 'Trần Minh Khoa', ngaySinh: '2020-09-01', quanHe: 'Con' }],
  theCanCuoc: {
    loai: 'CCCD_GAN_CHIP',
    so: '001095012345',
    ngayCap: '2021-04-10',
    ngayHetHan: '2035-03-05',
    noiCap: 'Cục Cảnh sát QLHC về TTXH',
  },
  lichSuGiayTo: [
    { loai: 'CMND', so: '163456789', ngayCap: '2011-05-20', ngayHetHan: '2026-05-20', noiCap: 'Công an tỉnh Nam Định' },
    {
      loai: 'CCCD_GAN_CHIP',
      so: '001095012345',
      ngayCap: '2021-04-10',
      ngayHetHan: '2035-03-05',
      noiCap: 'Cục Cảnh sát QLHC về TTXH',
    },
  ],
  trangThai: 'CON_SONG',
  capNhatLuc: new Date('2026-10-01T03:00:00Z'),
};

describe('population connector mapping', () => {
  const c = mapCitizen(congDan);

  it('maps identity to the hub types: NFC names, ISO dates, enums', () => {
    expect(c.personalId).toBe('001095012345');
    expect(c.fullName).toBe('Nguyễn Thị Thúy'.normalize('NFC'));
    expect(c.fullName).not.toBe(congDan.hoTen);
    expect(c.dateOfBirth).toBe('1995-03-05');
    expect(c.sex).toBe('FEMALE');
    expect(c.vitalStatus).toBe('ALIVE');
    expect(c.dateOfDeath).toBeNull();
  });

  it('maps the ID card and its history including the old CMND', () => {
    expect(c.identityCard).toMatchObject({ kind: 'CCCD_CHIP', number: '001095012345', expiresOn: '2035-03-05' });
    expect(c.identityCard!.history!.map((h) => [h.kind, h.number])).toEqual([
      ['CMND', '163456789'],
      ['CCCD_CHIP', '001095012345'],
    ]);
  });

  it('marks pre-2025 addresses as legacy and keeps their district', () => {
    expect(c.residence!.permanentAddress).toMatchObject({ legacy: false, legacyDistrict: null });
    expect(c.residence!.placeOfOrigin).toMatchObject({ legacy: true, legacyDistrict: { name: 'Huyện Hải Hậu' } });
    expect(c.residence!.permanentAddress.formatted).toBe('Số 12 ngõ 5 phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội');
  });

  it('maps household and family links by personal ID', () => {
    expect(c.household!.members!.map((m) => m.relationshipToHead)).toEqual(['Chủ hộ', 'Vợ', 'Con']);
    expect(c.household!.head).toEqual({ personalId: '001090001111', fullName: 'Trần Văn Nam' });
    expect(c.family.mother).toEqual({ personalId: null, fullName: 'Lê Thị Mai' });
    expect(c.family.dependants).toEqual([
      { personalId: '001220009999', fullName: 'Trần Minh Khoa', dateOfBirth: '2020-09-01', relationship: 'CHILD' },
    ]);
  });

  it('gives provenance: source and last update at source', () => {
    expect(c.provenance).toEqual({ source: 'POPULATION', updatedAtSource: new Date('2026-10-01T03:00:00Z') });
  });

  it('maps a deceased person', () => {
    const d = mapCitizen({ ...congDan, trangThai: 'DA_CHET', ngayMat: '2025-12-31' });
    expect(d.vitalStatus).toBe('DECEASED');
    expect(d.dateOfDeath).toBe('2025-12-31');
  });

  it('marks an impossible date unreadable rather than passing it on, and reads the rest', () => {
    const d = mapCitizen({ ...congDan, ngaySinh: '1995-02-30' });
    expect(d.dateOfBirth).toBeNull();
    expect(unreadableOf(d, 'dateOfBirth')).toEqual({ source: 'population', field: 'ngaySinh', problem: 'BAD_FORMAT' });
    expect(d.fullName).toBe('Nguyễn Thị Thúy');
  });

  it('keeps the area for jurisdiction only when the permanent address can be read', () => {
    const p = PROVINCES[0];
    const c = p.communes[0];
    const home = { ...congDan.noiThuongTru, xa: { ma: c.code, ten: c.name }, tinh: { ma: p.code, ten: p.name } };
    expect(mapCitizen({ ...congDan, noiThuongTru: home }).area).toEqual({ province: p.code, commune: c.code });
    expect(mapCitizen({ ...congDan, noiThuongTru: { ...home, tinh: 42 as never } }).area).toBeNull();
    expect(mapCitizen({ ...congDan, noiThuongTru: { ...congDan.noiThuongTru, xa: null as never } }).area).toBeNull();
  });
});

describe('population: a bad field is null and marked unreadable, the rest read', () => {
  it.each(badCases('population'))('%s', (_label, f, problem, value) => {
    expectUnreadable(mapCitizen, congDan, f, problem, value, '');
  });

  it('throws only for a record that is not an object or whose _id cannot be read', () => {
    expect(() => mapCitizen(null as never)).toThrow();
    expect(() => mapCitizen('x' as never)).toThrow();
    expect(() => mapCitizen({ ...congDan, _id: null } as never)).toThrow();
    expect(() => mapCitizen({ ...congDan, _id: 'a\u0000b' })).toThrow();
  });
});
