/**
 * Where households live and people come from: addresses in today's communes (with their
 * pre-2025 form), places of origin, and the ethnicities and religions of a province.
 */
import { PROVINCES, STREETS, type Commune, type OldProvince, type Province } from './areas';
import type { Place } from './model';
import type { Region } from './names';
import { weighted, type Rng, type WeightedTable } from './prng';

export const ETHNIC_TABLES = new Map<string, WeightedTable<string>>(
  PROVINCES.map((p) => [p.code, weighted(p.ethnicities)]),
);

export function religionFor(r: Rng, ethnicity: string, region: Region): string {
  if (ethnicity === 'Khmer') return r.chance(0.93) ? 'Phật giáo' : 'Không';
  if (ethnicity === "H'Mông" || ethnicity === 'Ê Đê' || ethnicity === 'Gia Rai')
    return r.chance(0.25) ? 'Tin Lành' : 'Không';
  if (ethnicity === 'Chăm') return r.chance(0.6) ? 'Hồi giáo' : 'Bà La Môn';
  const x = r.next();
  if (x < 0.11) return 'Phật giáo';
  if (x < 0.18) return 'Công giáo';
  if (x < 0.185) return 'Tin Lành';
  if (region === 'S' && x < 0.2) return 'Cao Đài';
  if (region === 'S' && x < 0.21) return 'Phật giáo Hòa Hảo';
  return 'Không';
}

/** Communes of today's provinces grouped by the pre-2025 province they came from. */
const COMMUNES_BY_OLD = new Map<string, Commune[]>();
for (const p of PROVINCES) {
  for (const c of p.communes) {
    const key = c.legacy[0].oldProvince.idCode;
    const list = COMMUNES_BY_OLD.get(key) ?? [];
    list.push(c);
    COMMUNES_BY_OLD.set(key, list);
  }
}

export const PROVINCE_BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

function hamlet(r: Rng, region: Region, ethnicity: string): string {
  const place = r.pick([
    'Đông',
    'Tây',
    'Nam',
    'Bắc',
    'Trung',
    'Thượng',
    'Hạ',
    'Tân Lập',
    'Phú Lộc',
    'An Bình',
    'Hòa Lạc',
    'Thành Công',
    'Đoàn Kết',
    'Quyết Tiến',
  ]);
  const mountain = ethnicity !== 'Kinh' && ethnicity !== 'Hoa' && ethnicity !== 'Khmer' && region !== 'S';
  if (mountain && r.chance(0.6))
    return `Bản ${r.pick(['Nà', 'Pá', 'Huổi', 'Phiêng', 'Nậm', 'Co'])} ${r.pick(['Cang', 'Sản', 'Mò', 'Lếch', 'Vai', 'Khoang', 'Tấu'])}`;
  if (region === 'S') return r.chance(0.5) ? `Ấp ${r.int(1, 9)}` : `Ấp ${place}`;
  return r.chance(0.35) ? `Xóm ${r.int(1, 12)}` : `Thôn ${place}`;
}

function addressLine(r: Rng, c: Commune, region: Region, ethnicity: string): string {
  if (c.kind === 'Phường' || (c.kind === 'Đặc khu' && r.chance(0.5))) {
    const street = r.pick(STREETS);
    const no = r.int(1, 350);
    const x = r.next();
    if (x < 0.35) return `Số ${no} ${street}`;
    if (x < 0.75) return `Số ${r.int(1, 80)}, ${region === 'S' ? 'hẻm' : 'ngõ'} ${no}, ${street}`;
    return `Tổ dân phố ${r.int(1, 25)}, ${street}`;
  }
  return hamlet(r, region, ethnicity);
}

export function placeIn(r: Rng, province: Province, commune: Commune, region: Region, ethnicity: string): Place {
  return { province, commune, legacy: r.pick(commune.legacy), chiTiet: addressLine(r, commune, region, ethnicity) };
}

export function originPlace(r: Rng, old: OldProvince, region: Region, ethnicity: string): Place {
  const communes = COMMUNES_BY_OLD.get(old.idCode)!;
  const c = r.pick(communes);
  const province = PROVINCE_BY_CODE.get(c.provinceCode)!;
  return {
    province,
    commune: c,
    legacy: r.pick(c.legacy),
    chiTiet: c.kind === 'Xã' ? hamlet(r, region, ethnicity) : '',
  };
}
