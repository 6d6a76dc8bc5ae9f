/**
 * The generator's view of the administrative areas (reference/areas.ts): the same lists and
 * lookups, plus population-weighted tables for sampling and address-line material.
 */
import { OLD_PROVINCES, PROVINCES, type Commune, type OldProvince, type Province } from '../../reference/areas';
import { weighted, type WeightedTable } from './prng';

export * from '../../reference/areas';

/** Provinces weighted by population, for sampling. */
export const PROVINCE_WEIGHTS: WeightedTable<Province> = weighted(PROVINCES.map((p) => [p, p.population] as const));

const COMMUNE_TABLES = new Map(PROVINCES.map((p) => [p.code, weighted(p.communes.map((c) => [c, c.weight] as const))]));

export function communeTable(provinceCode: string): WeightedTable<Commune> {
  const t = COMMUNE_TABLES.get(provinceCode);
  if (!t) throw new Error(`unknown province ${provinceCode}`);
  return t;
}

/** Old provinces weighted by population, for migrants' birth registration. */
export const OLD_PROVINCE_WEIGHTS: WeightedTable<OldProvince> = weighted(
  OLD_PROVINCES.map((o) => [o, o.population] as const),
);

/** Address-line material. */
export const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Nguyễn Huệ',
  'Điện Biên Phủ',
  'Hùng Vương',
  'Phan Chu Trinh',
  'Hoàng Diệu',
  'Lê Duẩn',
  'Võ Thị Sáu',
  'Nguyễn Văn Cừ',
  'Cách Mạng Tháng Tám',
  'Trần Phú',
  'Lê Hồng Phong',
  'Nguyễn Du',
  'Bà Triệu',
  'Phan Đình Phùng',
  'Nguyễn Thị Minh Khai',
  'Lý Tự Trọng',
  'Hoàng Văn Thụ',
  'Nguyễn Văn Linh',
  'Võ Văn Kiệt',
  'Tôn Đức Thắng',
  'Phạm Văn Đồng',
  'Lạc Long Quân',
  'Âu Cơ',
  'Ngô Quyền',
  'Lê Thánh Tông',
  'Nguyễn Chí Thanh',
  'Kim Mã',
  'Giải Phóng',
  'Xã Đàn',
  'Cầu Giấy',
];
