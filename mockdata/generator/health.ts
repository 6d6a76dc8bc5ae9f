/**
 * Health reference data: ICD-10 codes with Vietnamese labels (weighted by age
 * group), chronic conditions, treatments, vaccines of the expanded immunisation
 * programme (TCMR) and COVID-19, and health facilities per province.
 */
import { PROVINCES, type Province } from './areas';
import { weighted, type WeightedTable } from './prng';

export interface Icd10 {
  code: string;
  display: string;
}

type AgeGroup = 'child' | 'adult' | 'elder';

/** [code, Vietnamese label, weight child (<15), adult (15–59), elder (60+), sex restriction] */
type IcdSpec = [string, string, number, number, number, ('M' | 'F')?];

const ACUTE: IcdSpec[] = [
  ['J06.9', 'Viêm đường hô hấp trên cấp', 30, 18, 10],
  ['J02.9', 'Viêm họng cấp', 10, 8, 4],
  ['J03.9', 'Viêm amidan cấp', 8, 4, 1],
  ['J20.9', 'Viêm phế quản cấp', 8, 5, 6],
  ['J18.9', 'Viêm phổi, không đặc hiệu', 5, 1.5, 5],
  ['A09', 'Tiêu chảy và viêm dạ dày ruột có nguồn gốc nhiễm trùng', 10, 4, 3],
  ['A91', 'Sốt xuất huyết Dengue', 3, 2, 1],
  ['B01.9', 'Thủy đậu không biến chứng', 3, 0.5, 0],
  ['B05.9', 'Sởi không biến chứng', 1.5, 0.1, 0],
  ['B08.4', 'Bệnh tay chân miệng', 4, 0, 0],
  ['U07.1', 'COVID-19, đã xác định virus', 2, 3, 3],
  ['R50.9', 'Sốt, không đặc hiệu', 6, 2, 2],
  ['H10.9', 'Viêm kết mạc', 3, 2, 1],
  ['H66.9', 'Viêm tai giữa', 4, 1, 0.5],
  ['L20.9', 'Viêm da cơ địa', 3, 2, 1],
  ['K02.9', 'Sâu răng', 4, 3, 1],
  ['K29.7', 'Viêm dạ dày', 1, 8, 5],
  ['K21.9', 'Bệnh trào ngược dạ dày - thực quản', 0.2, 4, 3],
  ['K35.8', 'Viêm ruột thừa cấp', 0.8, 1, 0.3],
  ['K80.2', 'Sỏi túi mật', 0, 1, 1.5],
  ['K76.0', 'Gan nhiễm mỡ', 0, 3, 2],
  ['N39.0', 'Nhiễm khuẩn đường tiết niệu', 1, 3, 3],
  ['N20.0', 'Sỏi thận', 0, 2, 2],
  ['M54.5', 'Đau vùng thắt lưng', 0, 5, 5],
  ['G43.9', 'Đau nửa đầu (Migraine)', 0.3, 2, 0.5],
  ['F32.9', 'Giai đoạn trầm cảm', 0.1, 1, 0.5],
  ['D50.9', 'Thiếu máu do thiếu sắt', 2, 1.5, 1],
  ['S52.5', 'Gãy đầu dưới xương quay', 1, 1, 1],
  ['S06.0', 'Chấn động não', 0.5, 0.8, 0.4],
  ['T14.0', 'Tổn thương nông', 3, 2, 1],
  ['Z00.0', 'Khám sức khỏe tổng quát', 4, 8, 6],
  ['Z34.9', 'Theo dõi thai bình thường', 0, 3, 0, 'F'],
  ['O80', 'Đẻ thường một thai', 0, 1.2, 0, 'F'],
  ['A15.0', 'Lao phổi', 0, 0.3, 0.5],
];

/** Chronic conditions (also used as encounter diagnoses for follow-up visits). */
const CHRONIC: IcdSpec[] = [
  ['I10', 'Tăng huyết áp vô căn', 0, 6, 30],
  ['E11', 'Đái tháo đường type 2', 0, 3, 12],
  ['E78.5', 'Rối loạn lipid máu', 0, 4, 12],
  ['I25.1', 'Bệnh tim do xơ vữa động mạch', 0, 0.5, 5],
  ['I50.9', 'Suy tim', 0, 0.2, 3],
  ['I63.9', 'Nhồi máu não', 0, 0.2, 2],
  ['J44.9', 'Bệnh phổi tắc nghẽn mạn tính', 0, 0.5, 5],
  ['J45.9', 'Hen phế quản', 3, 2, 2],
  ['M17.9', 'Thoái hóa khớp gối', 0, 1, 10],
  ['M81.0', 'Loãng xương sau mãn kinh', 0, 0.3, 5, 'F'],
  ['N18.9', 'Bệnh thận mạn', 0, 0.3, 2],
  ['E03.9', 'Suy giáp', 0, 0.8, 1],
  ['E04.9', 'Bướu giáp không độc', 0, 1, 1],
  ['B18.1', 'Viêm gan virus B mạn', 0, 2, 1.5],
  ['C22.0', 'Ung thư biểu mô tế bào gan', 0, 0.05, 0.3],
  ['C34.9', 'Ung thư phế quản và phổi', 0, 0.05, 0.4],
];

/** Every ICD-10 code the generator uses, code → Vietnamese label. */
export const ICD10: ReadonlyMap<string, string> = new Map([...ACUTE, ...CHRONIC].map((s) => [s[0], s[1]]));

function tables(specs: IcdSpec[]): Record<AgeGroup, Record<'M' | 'F', WeightedTable<Icd10>>> {
  const w = (s: IcdSpec, g: number): number => (g === 0 ? s[2] : g === 1 ? s[3] : s[4]);
  const mk = (g: number, sex: 'M' | 'F') =>
    weighted(
      specs
        .filter((s) => w(s, g) > 0 && (!s[5] || s[5] === sex))
        .map((s) => [{ code: s[0], display: s[1] }, w(s, g)] as const),
    );
  return {
    child: { M: mk(0, 'M'), F: mk(0, 'F') },
    adult: { M: mk(1, 'M'), F: mk(1, 'F') },
    elder: { M: mk(2, 'M'), F: mk(2, 'F') },
  };
}

export const ACUTE_TABLES = tables(ACUTE);
const CHRONIC_ADULT_ELDER = tables(CHRONIC.filter((s) => s[3] > 0 || s[4] > 0));
export const CHRONIC_TABLES = CHRONIC_ADULT_ELDER;
export const CHILD_CHRONIC: Icd10 = { code: 'J45.9', display: 'Hen phế quản' };

export function ageGroup(age: number): AgeGroup {
  return age < 15 ? 'child' : age < 60 ? 'adult' : 'elder';
}

export const TREATMENTS_ACUTE = [
  'Điều trị ngoại trú, kê đơn 5 ngày',
  'Điều trị ngoại trú, kê đơn 7 ngày',
  'Khám, tư vấn, theo dõi tại nhà',
  'Nhập viện điều trị nội trú 5 ngày',
  'Nhập viện điều trị nội trú 7 ngày',
  'Truyền dịch, theo dõi trong ngày',
  'Xét nghiệm, chẩn đoán hình ảnh, kê đơn',
];

export const TREATMENTS_CHRONIC = [
  'Tái khám định kỳ, cấp thuốc 30 ngày',
  'Tái khám, điều chỉnh phác đồ, cấp thuốc 30 ngày',
  'Quản lý bệnh mạn tính tại trạm y tế',
  'Nhập viện điều trị đợt cấp 10 ngày',
];

export const TREATMENTS_SPECIAL: Record<string, string> = {
  'Z00.0': 'Khám sức khỏe định kỳ, không phát hiện bất thường',
  'Z34.9': 'Khám thai định kỳ, bổ sung sắt và axit folic',
  O80: 'Sinh thường, nằm viện 3 ngày',
  'K35.8': 'Phẫu thuật nội soi cắt ruột thừa',
  'S52.5': 'Nắn chỉnh, bó bột cẳng tay',
};

export const ALLERGIES: WeightedTable<string> = weighted([
  ['Penicillin', 4],
  ['Hải sản', 5],
  ['Aspirin', 1],
  ['Sulfonamid', 1],
  ['Phấn hoa', 2],
  ['Bụi nhà', 3],
  ['Sữa bò', 1],
  ['Đậu phộng', 1],
  ['Thuốc cản quang iod', 0.5],
]);

export type BloodType = 'A+' | 'A-' | 'B+' | 'B-' | 'AB+' | 'AB-' | 'O+' | 'O-';

export const BLOOD_TYPES: WeightedTable<BloodType> = weighted([
  ['O+', 41.7],
  ['B+', 30.1],
  ['A+', 21.2],
  ['AB+', 6.3],
  ['O-', 0.3],
  ['A-', 0.2],
  ['B-', 0.15],
  ['AB-', 0.05],
]);

/** The expanded immunisation programme (TCMR): [vaccine, dose, age in days]. */
export const EPI_SCHEDULE: Array<[string, number, number]> = [
  ['Viêm gan B sơ sinh', 1, 0],
  ['BCG (Lao)', 1, 7],
  ['DPT-VGB-Hib (5 trong 1)', 1, 61],
  ['Bại liệt uống (OPV)', 1, 61],
  ['DPT-VGB-Hib (5 trong 1)', 2, 91],
  ['Bại liệt uống (OPV)', 2, 91],
  ['DPT-VGB-Hib (5 trong 1)', 3, 122],
  ['Bại liệt uống (OPV)', 3, 122],
  ['Bại liệt tiêm (IPV)', 1, 152],
  ['Sởi', 1, 274],
  ['Viêm não Nhật Bản', 1, 365],
  ['Viêm não Nhật Bản', 2, 380],
  ['Sởi - Rubella (MR)', 1, 548],
  ['DPT', 4, 548],
  ['Viêm não Nhật Bản', 3, 730],
];

export const COVID_VACCINES = [
  'COVID-19 (AstraZeneca)',
  'COVID-19 (Pfizer-BioNTech)',
  'COVID-19 (Vero Cell)',
  'COVID-19 (Moderna)',
];

export interface Facility {
  code: string; // mock 5-digit code: province code + 3 digits
  name: string;
  level: 'CENTRAL' | 'PROVINCE' | 'REGION' | 'COMMUNE';
  provinceCode: string;
  /** For commune health stations: the commune served. */
  communeCode?: string;
}

const CENTRAL: Record<string, string[]> = {
  '01': [
    'Bệnh viện Bạch Mai',
    'Bệnh viện Hữu nghị Việt Đức',
    'Bệnh viện E',
    'Bệnh viện Nhi Trung ương',
    'Bệnh viện K',
    'Bệnh viện Thanh Nhàn',
    'Bệnh viện Xanh Pôn',
  ],
  '79': [
    'Bệnh viện Chợ Rẫy',
    'Bệnh viện Nhân dân 115',
    'Bệnh viện Nhân dân Gia Định',
    'Bệnh viện Đại học Y Dược TP.HCM',
    'Bệnh viện Nhi Đồng 1',
    'Bệnh viện Từ Dũ',
    'Bệnh viện Thống Nhất',
  ],
  '46': ['Bệnh viện Trung ương Huế'],
  '48': ['Bệnh viện Đà Nẵng', 'Bệnh viện C Đà Nẵng', 'Bệnh viện Đa khoa Trung ương Quảng Nam'],
  '92': ['Bệnh viện Đa khoa Trung ương Cần Thơ'],
  '19': ['Bệnh viện Trung ương Thái Nguyên'],
  '40': ['Bệnh viện Hữu nghị Đa khoa Nghệ An'],
  '31': ['Bệnh viện Hữu nghị Việt Tiệp'],
  '75': ['Bệnh viện Đa khoa Đồng Nai'],
};

function buildFacilities(p: Province): Facility[] {
  const out: Facility[] = [];
  let n = 1;
  const code = () => `${p.code}${String(n++).padStart(3, '0')}`;
  for (const name of CENTRAL[p.code] ?? []) out.push({ code: code(), name, level: 'CENTRAL', provinceCode: p.code });
  const provincial =
    p.kind === 'Thành phố' ? `Bệnh viện Đa khoa thành phố ${p.name}` : `Bệnh viện Đa khoa tỉnh ${p.name}`;
  out.push({ code: code(), name: provincial, level: 'PROVINCE', provinceCode: p.code });
  if (p.code !== '01' && p.code !== '79') {
    out.push({ code: code(), name: `Bệnh viện Sản - Nhi ${p.name}`, level: 'PROVINCE', provinceCode: p.code });
  }
  const regional = p.communes.filter((c) => c.kind !== 'Đặc khu').filter((_, i) => i % 6 === 0);
  for (const c of regional) {
    out.push({
      code: code(),
      name: `Trung tâm Y tế khu vực ${c.name.replace(/^(Phường|Xã) /, '')}`,
      level: 'REGION',
      provinceCode: p.code,
      communeCode: c.code,
    });
  }
  n = 101;
  for (const c of p.communes) {
    out.push({
      code: code(),
      name: `Trạm Y tế ${c.name
        .replace(/^Đặc khu/, 'đặc khu')
        .replace(/^Phường/, 'phường')
        .replace(/^Xã/, 'xã')}`,
      level: 'COMMUNE',
      provinceCode: p.code,
      communeCode: c.code,
    });
  }
  return out;
}

/** Health facilities by today's province code (codes are mock). */
export const FACILITIES: ReadonlyMap<string, Facility[]> = new Map(PROVINCES.map((p) => [p.code, buildFacilities(p)]));

export function facilitiesOf(provinceCode: string): Facility[] {
  const f = FACILITIES.get(provinceCode);
  if (!f) throw new Error(`no facilities for province ${provinceCode}`);
  return f;
}

/** The commune health station serving a commune. */
const STATIONS = new Map(
  [...FACILITIES.values()]
    .flat()
    .filter((x) => x.level === 'COMMUNE')
    .map((x) => [x.communeCode!, x]),
);
const HOSPITALS = new Map([...FACILITIES.entries()].map(([k, v]) => [k, v.filter((x) => x.level !== 'COMMUNE')]));

export function communeStation(communeCode: string): Facility {
  const f = STATIONS.get(communeCode);
  if (!f) throw new Error(`no station for commune ${communeCode}`);
  return f;
}

/** Non-commune facilities (hospitals, regional centres) of a province. */
export function hospitalsOf(provinceCode: string): Facility[] {
  const h = HOSPITALS.get(provinceCode);
  if (!h) throw new Error(`no hospitals for province ${provinceCode}`);
  return h;
}
