import { isDeepStrictEqual } from 'node:util';
import {
  OLD_PROVINCES,
  PROVINCES,
  communeByCode,
  legacyCommuneByCode,
  oldProvinceByIdCode,
  provinceByCode,
  todayArea,
  toData,
} from '../../reference/areas';
import { build } from '../../scripts/areas-build';

describe('administrative areas as data', () => {
  it('are what the former load-time generator built (scripts/areas-build.ts), object for object', () => {
    const built = build();
    expect(isDeepStrictEqual(PROVINCES, built.provinces)).toBe(true);
    expect(isDeepStrictEqual(OLD_PROVINCES, built.oldProvinces)).toBe(true);
    expect(toData({ provinces: PROVINCES, oldProvinces: OLD_PROVINCES })).toEqual(toData(built));
  });

  it('keep the values the generator produced before the move', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(OLD_PROVINCES).toHaveLength(63);
    const hn = provinceByCode('01')!;
    expect([hn.name, hn.population, hn.communes.length]).toEqual(['Hà Nội', 8.4, 35]);
    expect([hn.communes[20].code, hn.communes[20].name]).toEqual(['01021', 'Phường Hoàng Mai']);
    expect(hn.communes[33].legacy.map((l) => `${l.code} ${l.name}`)).toEqual(['01403 Xã Thịnh Lộc']);
    const c = communeByCode('79012')!;
    expect(c.name).toBe('Phường Tân Sơn Nhất');
    expect(c.legacy.map((l) => [l.code, l.name, l.district.name, l.oldProvince.idCode])).toEqual([
      ['79113', 'Phường 13', 'Quận 1', '079'],
    ]);
    expect(oldProvinceByIdCode('074')!.districts.map((d) => d.name)).toEqual([
      'Thành phố Thủ Dầu Một',
      'Thành phố Dĩ An',
      'Thành phố Thuận An',
      'Thành phố Bến Cát',
      'Huyện Khánh Bình',
      'Huyện Tân Tường',
      'Huyện Kim Phú',
    ]);
    expect(legacyCommuneByCode('79113')!.communeCode).toBe('79012');
  });

  it('share one object per old province and district, as the lookups expect', () => {
    const l = legacyCommuneByCode('79113')!;
    expect(l.oldProvince).toBe(oldProvinceByIdCode('079'));
    expect(l.oldProvince.districts).toContain(l.district);
    expect(provinceByCode('79')!.oldProvinces).toContain(l.oldProvince);
    expect(todayArea({ xa: { ma: '79113' }, huyen: { ma: '791' }, tinh: { ma: '79' } })!.commune.code).toBe('79012');
  });
});
