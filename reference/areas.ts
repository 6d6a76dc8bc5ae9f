/**
 * Administrative areas (docs/domain.md): today's 34 provinces / centrally-run cities (since
 * 1 July 2025) with their communes/wards, the 63 provinces before the reform with their
 * districts, and the pre-2025 communes each mapped to the commune it was merged into.
 * Province codes, names and the ID-number codes of the old provinces are real; commune,
 * district and legacy commune codes are mock, and most commune names are generated
 * (scripts/areas-build.ts made the data once; it lives in provinces.json and
 * old-provinces.json next to this file).
 */
import PROVINCES_DATA from './provinces.json';
import OLD_PROVINCES_DATA from './old-provinces.json';

/** North, Centre, South. */
export type Region = 'N' | 'C' | 'S';

export interface OldProvince {
  /** 2-digit administrative code before the 2025 reform, e.g. "74". */
  code: string;
  /** 3-digit code used in personal ID numbers, e.g. "074". */
  idCode: string;
  name: string; // "Bình Dương"
  fullName: string; // "Tỉnh Bình Dương"
  /** Today's province it was merged into. */
  newCode: string;
  population: number; // millions, approximate
  districts: LegacyDistrict[];
}

export interface LegacyDistrict {
  code: string; // mock, 3 digits
  name: string; // "Quận Ba Đình", "Huyện Củ Chi", "Thành phố Thủ Dầu Một"
}

export interface LegacyCommune {
  code: string; // mock, 5 digits
  name: string; // "Phường 7", "Xã Tân Phú"
  district: LegacyDistrict;
  oldProvince: OldProvince;
  /** Today's commune/ward it was merged into. */
  communeCode: string;
}

export type CommuneKind = 'Phường' | 'Xã' | 'Đặc khu';

export interface Commune {
  code: string; // mock, 5 digits, starts with the province code
  name: string; // full name with its kind, "Phường Hoàn Kiếm"
  kind: CommuneKind;
  provinceCode: string;
  /** True for a real post-2025 name (the others are generated). */
  real: boolean;
  /** Relative population weight inside its province. */
  weight: number;
  /** The pre-2025 communes merged into this one. */
  legacy: LegacyCommune[];
}

export interface Province {
  code: string; // "01", "79"
  name: string; // "Hà Nội", "Hồ Chí Minh"
  fullName: string; // "Thành phố Hà Nội", "Tỉnh Bắc Ninh"
  kind: 'Thành phố' | 'Tỉnh';
  region: Region;
  population: number; // millions, approximate (sum of the merged provinces)
  oldProvinces: OldProvince[];
  communes: Commune[];
  /** Ethnic composition used by the generator, [name, weight]. */
  ethnicities: Array<[string, number]>;
}

/** The data files' shape: the same objects, links between them as codes. */
export interface AreasData {
  provinces: Array<
    Omit<Province, 'oldProvinces' | 'communes' | 'region'> & {
      region: string;
      oldProvinces: string[];
      communes: Array<
        Omit<Commune, 'legacy' | 'kind'> & {
          kind: string;
          legacy: Array<Omit<LegacyCommune, 'district' | 'oldProvince'> & { district: string; oldProvince: string }>;
        }
      >;
    }
  >;
  oldProvinces: OldProvince[];
}

/** Areas as objects to data (links as codes: old provinces by `idCode`, districts by `code`). */
export function toData(built: { provinces: readonly Province[]; oldProvinces: readonly OldProvince[] }): AreasData {
  return {
    provinces: built.provinces.map((p) => ({
      ...p,
      oldProvinces: p.oldProvinces.map((o) => o.idCode),
      communes: p.communes.map((c) => ({
        ...c,
        legacy: c.legacy.map((l) => ({ ...l, district: l.district.code, oldProvince: l.oldProvince.idCode })),
      })),
    })),
    oldProvinces: built.oldProvinces.map((o) => ({ ...o })),
  };
}

/** Data to objects, each old province and district one shared object (as built). */
function fromData(data: AreasData): { provinces: Province[]; oldProvinces: OldProvince[] } {
  const oldProvinces: OldProvince[] = data.oldProvinces.map((o) => ({
    ...o,
    districts: o.districts.map((d) => ({ ...d })),
  }));
  const oldById = new Map(oldProvinces.map((o) => [o.idCode, o]));
  const districts = new Map(oldProvinces.flatMap((o) => o.districts.map((d) => [d.code, d] as const)));
  const provinces: Province[] = data.provinces.map((p) => ({
    ...p,
    region: p.region as Region,
    oldProvinces: p.oldProvinces.map((id) => oldById.get(id)!),
    communes: p.communes.map((c) => ({
      ...c,
      kind: c.kind as CommuneKind,
      legacy: c.legacy.map((l) => ({
        ...l,
        district: districts.get(l.district)!,
        oldProvince: oldById.get(l.oldProvince)!,
      })),
    })),
  }));
  return { provinces, oldProvinces };
}

const LOADED = fromData({ provinces: PROVINCES_DATA, oldProvinces: OLD_PROVINCES_DATA } as AreasData);

/** Today's 34 provinces and centrally-run cities, in code order of the reform list. */
export const PROVINCES: readonly Province[] = LOADED.provinces;
/** The 63 provinces before 1 July 2025. */
export const OLD_PROVINCES: readonly OldProvince[] = LOADED.oldProvinces;

const PROVINCE_BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));
const COMMUNE_BY_CODE = new Map(PROVINCES.flatMap((p) => p.communes.map((c) => [c.code, c] as const)));
const LEGACY_BY_CODE = new Map(
  PROVINCES.flatMap((p) => p.communes.flatMap((c) => c.legacy.map((l) => [l.code, l] as const))),
);
const OLD_BY_ID_CODE = new Map(OLD_PROVINCES.map((o) => [o.idCode, o]));
const OLD_BY_CODE = new Map(OLD_PROVINCES.map((o) => [o.code, o]));

export function provinceByCode(code: string): Province | undefined {
  return PROVINCE_BY_CODE.get(code);
}

export function communeByCode(code: string): Commune | undefined {
  return COMMUNE_BY_CODE.get(code);
}

/** A pre-2025 commune by its (mock) code. */
export function legacyCommuneByCode(code: string): LegacyCommune | undefined {
  return LEGACY_BY_CODE.get(code);
}

/** A pre-2025 province by the 3-digit code of personal ID numbers ("074"). */
export function oldProvinceByIdCode(idCode: string): OldProvince | undefined {
  return OLD_BY_ID_CODE.get(idCode);
}

/** A pre-2025 province by its 2-digit area code ("74"). */
export function oldProvinceByCode(code: string): OldProvince | undefined {
  return OLD_BY_CODE.get(code);
}

/**
 * Today's province and commune of an address as a source stores it: today's codes
 * pass through; a legacy address (one with a `huyen`) is mapped through the merger
 * table by its commune code. Null when the codes are unknown.
 */
export function todayArea(addr: {
  xa: { ma: string };
  huyen?: unknown;
  tinh: { ma: string };
}): { province: Province; commune: Commune } | null {
  if (addr.huyen) {
    const l = LEGACY_BY_CODE.get(addr.xa.ma);
    if (!l) return null;
    const c = COMMUNE_BY_CODE.get(l.communeCode)!;
    return { province: PROVINCE_BY_CODE.get(c.provinceCode)!, commune: c };
  }
  const c = COMMUNE_BY_CODE.get(addr.xa.ma);
  if (!c || c.provinceCode !== addr.tinh.ma) return null;
  return { province: PROVINCE_BY_CODE.get(c.provinceCode)!, commune: c };
}
