/**
 * Vietnamese personal names: surname frequencies, middle names by sex and era,
 * given names with diacritics (including the tone-mark cases "Hòa", "Thúy",
 * "Thủy", "Thùy", "Thụy", and the look-alikes that must not change: "Khoa",
 * "Hoàng", "Tuyết", "Quý"), and a few surname pools of ethnic minorities.
 */
import { Rng, weighted, type WeightedTable } from './prng';
import { foldName } from './text';

export type Sex = 'M' | 'F';
export type { Region } from '../../reference/areas';
import type { Region } from '../../reference/areas';

export interface PersonName {
  surname: string;
  middle: string; // may hold two words ("Ngọc Bảo") or be empty
  given: string;
}

export function fullName(n: PersonName): string {
  return [n.surname, n.middle, n.given].filter((p) => p.length > 0).join(' ');
}

/** Approximate national frequencies (percent); Hoàng/Huỳnh and Vũ/Võ shift by region. */
const SURNAMES_BASE: Array<[string, number]> = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Phan', 4.5],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đinh', 0.6],
  ['Trịnh', 0.5],
  ['Đoàn', 0.5],
  ['Trương', 0.5],
  ['Lâm', 0.4],
  ['Mai', 0.4],
  ['Hà', 0.4],
  ['Cao', 0.3],
  ['Lương', 0.3],
  ['Tô', 0.2],
  ['Tạ', 0.2],
  ['Lưu', 0.2],
  ['Chu', 0.1],
  ['Kiều', 0.1],
  ['Quách', 0.1],
  ['Thái', 0.1],
  ['Lại', 0.1],
  ['Khúc', 0.05],
  ['Tôn', 0.05],
];

function surnameTable(region: Region): WeightedTable<string> {
  const hoang = region === 'N' ? 4.2 : region === 'C' ? 3 : 0.9;
  const huynh = region === 'N' ? 0.2 : region === 'C' ? 1.2 : 3.4;
  const vu = region === 'N' ? 4.2 : region === 'C' ? 1.5 : 0.8;
  const vo = region === 'N' ? 0.4 : region === 'C' ? 3 : 3.5;
  return weighted([...SURNAMES_BASE, ['Hoàng', hoang], ['Huỳnh', huynh], ['Vũ', vu], ['Võ', vo]]);
}

const SURNAME_TABLES: Record<Region, WeightedTable<string>> = {
  N: surnameTable('N'),
  C: surnameTable('C'),
  S: surnameTable('S'),
};

type Era = 'old' | 'mid' | 'young';

const MIDDLE: Record<Sex, Record<Era, WeightedTable<string>>> = {
  M: {
    old: weighted([
      ['Văn', 60],
      ['Hữu', 8],
      ['Đức', 8],
      ['Đình', 5],
      ['Minh', 4],
      ['Quang', 4],
      ['Công', 4],
      ['Xuân', 3],
      ['Ngọc', 2],
      ['Thanh', 2],
    ]),
    mid: weighted([
      ['Văn', 35],
      ['Đức', 8],
      ['Minh', 10],
      ['Quang', 6],
      ['Hữu', 5],
      ['Công', 5],
      ['Thành', 4],
      ['Thanh', 4],
      ['Anh', 4],
      ['Đình', 4],
      ['Quốc', 4],
      ['Xuân', 3],
      ['Tuấn', 3],
      ['Hoàng', 3],
      ['Trọng', 3],
    ]),
    young: weighted([
      ['Minh', 15],
      ['Văn', 12],
      ['Đức', 10],
      ['Gia', 10],
      ['Bảo', 8],
      ['Quang', 7],
      ['Hoàng', 6],
      ['Anh', 6],
      ['Quốc', 5],
      ['Đăng', 5],
      ['Nhật', 5],
      ['Tuấn', 4],
      ['Hữu', 4],
      ['Thành', 4],
      ['Trung', 3],
      ['Khánh', 3],
      ['Hải Đăng', 1],
      ['Minh Khôi', 1],
    ]),
  },
  F: {
    old: weighted([
      ['Thị', 80],
      ['Thanh', 4],
      ['Ngọc', 4],
      ['Thu', 3],
      ['Kim', 3],
      ['Hồng', 3],
      ['Xuân', 2],
    ]),
    mid: weighted([
      ['Thị', 50],
      ['Ngọc', 8],
      ['Thanh', 7],
      ['Thu', 6],
      ['Phương', 4],
      ['Thùy', 4],
      ['Kim', 4],
      ['Hồng', 4],
      ['Mỹ', 3],
      ['Minh', 3],
      ['Hoài', 2],
      ['Diệu', 2],
      ['Bích', 2],
      ['Thị Thu', 1],
    ]),
    young: weighted([
      ['Thị', 18],
      ['Ngọc', 12],
      ['Phương', 8],
      ['Bảo', 8],
      ['Minh', 7],
      ['Khánh', 7],
      ['Thu', 6],
      ['Thùy', 6],
      ['Thanh', 5],
      ['Gia', 5],
      ['Hà', 4],
      ['Mai', 4],
      ['Diệu', 3],
      ['An', 3],
      ['Tú', 3],
      ['Quỳnh', 3],
      ['Ngọc Bảo', 1],
      ['Minh Thư', 1],
    ]),
  },
};

const GIVEN: Record<Sex, WeightedTable<string>> = {
  M: weighted([
    ['An', 2],
    ['Anh', 6],
    ['Bảo', 3],
    ['Bình', 3],
    ['Cường', 3],
    ['Chiến', 2],
    ['Dũng', 5],
    ['Duy', 3],
    ['Đạt', 4],
    ['Đông', 2],
    ['Đức', 3],
    ['Đăng', 1],
    ['Giang', 2],
    ['Hải', 5],
    ['Hào', 1],
    ['Hậu', 2],
    ['Hiển', 1],
    ['Hiếu', 3],
    ['Hòa', 3],
    ['Hoàng', 3],
    ['Hùng', 5],
    ['Huy', 5],
    ['Hưng', 3],
    ['Khải', 1],
    ['Khang', 3],
    ['Khánh', 2],
    ['Khoa', 3],
    ['Khôi', 2],
    ['Kiên', 2],
    ['Lâm', 2],
    ['Lộc', 2],
    ['Long', 4],
    ['Lực', 1],
    ['Minh', 6],
    ['Nam', 6],
    ['Nghĩa', 3],
    ['Nguyên', 2],
    ['Nhân', 2],
    ['Phát', 1],
    ['Phong', 3],
    ['Phúc', 3],
    ['Phước', 2],
    ['Quân', 4],
    ['Quang', 3],
    ['Quý', 2],
    ['Sơn', 4],
    ['Tài', 2],
    ['Tâm', 2],
    ['Thái', 1],
    ['Thắng', 4],
    ['Thành', 4],
    ['Thiện', 2],
    ['Thịnh', 2],
    ['Thụy', 1],
    ['Tiến', 3],
    ['Toàn', 3],
    ['Trí', 2],
    ['Trung', 4],
    ['Tú', 2],
    ['Tuấn', 6],
    ['Tùng', 3],
    ['Việt', 3],
    ['Vinh', 3],
    ['Vũ', 2],
  ]),
  F: weighted([
    ['An', 2],
    ['Anh', 6],
    ['Bích', 2],
    ['Chi', 3],
    ['Dung', 3],
    ['Dương', 1],
    ['Diệp', 1],
    ['Giang', 3],
    ['Hà', 5],
    ['Hạnh', 3],
    ['Hằng', 4],
    ['Hiền', 4],
    ['Hoa', 4],
    ['Hòa', 2],
    ['Hoài', 1],
    ['Hồng', 3],
    ['Huệ', 2],
    ['Hương', 6],
    ['Huyền', 4],
    ['Khuê', 1],
    ['Lan', 5],
    ['Liên', 2],
    ['Linh', 6],
    ['Loan', 3],
    ['Lụa', 1],
    ['Mai', 5],
    ['My', 3],
    ['Nga', 4],
    ['Ngân', 3],
    ['Ngọc', 3],
    ['Nhung', 3],
    ['Nhi', 3],
    ['Oanh', 2],
    ['Phương', 4],
    ['Quyên', 2],
    ['Quỳnh', 3],
    ['Tâm', 2],
    ['Thảo', 5],
    ['Thoa', 2],
    ['Thu', 3],
    ['Thúy', 4],
    ['Thủy', 4],
    ['Thùy', 2],
    ['Trang', 6],
    ['Trâm', 2],
    ['Tuyết', 3],
    ['Uyên', 2],
    ['Vân', 4],
    ['Vy', 3],
    ['Xuân', 2],
    ['Yến', 4],
  ]),
};

/** Surname pools (and name style) of some ethnic groups; others use the Kinh pools. */
interface EthnicStyle {
  surnames: string[];
  middleM?: string[];
  middleF?: string[];
  givenM?: string[];
  givenF?: string[];
}

const ETHNIC: Record<string, EthnicStyle> = {
  Tày: { surnames: ['Nông', 'Hoàng', 'Ma', 'Lương', 'Hà', 'Triệu', 'Lục', 'Nguyễn'] },
  Nùng: { surnames: ['Nông', 'Lương', 'Hoàng', 'Lý', 'Vi', 'Lăng', 'Chu'] },
  Thái: { surnames: ['Lò', 'Lường', 'Cầm', 'Quàng', 'Vi', 'Hà', 'Lê'], middleM: ['Văn'], middleF: ['Thị'] },
  "H'Mông": {
    surnames: ['Giàng', 'Vàng', 'Sùng', 'Thào', 'Mùa', 'Lầu', 'Hờ', 'Lý'],
    middleM: ['A', 'Văn'],
    middleF: ['Thị'],
    givenM: ['Páo', 'Sử', 'Chứ', 'Dế', 'Tủa', 'Chu', 'Dình', 'Lử'],
    givenF: ['Mai', 'Dợ', 'Súa', 'Pà', 'Xúa', 'Mỷ', 'Sua', 'Dung'],
  },
  Dao: { surnames: ['Triệu', 'Bàn', 'Đặng', 'Lý', 'Phùng', 'Chảo'], middleM: ['Văn', 'Tiến'], middleF: ['Thị'] },
  Mường: { surnames: ['Bùi', 'Đinh', 'Quách', 'Hà', 'Xa'], middleM: ['Văn'], middleF: ['Thị'] },
  Khmer: { surnames: ['Thạch', 'Sơn', 'Danh', 'Kim', 'Lâm', 'Chau'] },
  Hoa: { surnames: ['Lâm', 'Trương', 'Lý', 'Quách', 'Hứa', 'Mạc', 'Diệp', 'Tăng', 'Lưu'] },
  Chăm: { surnames: ['Đạo', 'Thập', 'Thành', 'Châu', 'Từ'] },
  'Gia Rai': { surnames: ['Ksor', 'Rơ Chăm', 'Siu', 'Rmah', 'Kpă', 'Nay'] },
  'Ê Đê': { surnames: ['Niê', 'Êban', 'Mlô', 'Byă', 'Ayun', 'Hmok'] },
  'Ba Na': { surnames: ['Đinh', 'Rơ Ma', 'Y'] },
  'Vân Kiều': { surnames: ['Hồ', 'Lê', 'Hồ Văn'] },
};

function eraOf(birthYear: number): Era {
  return birthYear < 1975 ? 'old' : birthYear < 2000 ? 'mid' : 'young';
}

export function pickSurname(r: Rng, region: Region, ethnicity: string): string {
  const style = ETHNIC[ethnicity];
  if (style && r.chance(0.85)) return r.pick(style.surnames);
  return r.pickW(SURNAME_TABLES[region]);
}

export function pickMiddle(r: Rng, sex: Sex, birthYear: number, ethnicity: string): string {
  const style = ETHNIC[ethnicity];
  const list = sex === 'M' ? style?.middleM : style?.middleF;
  if (list && r.chance(0.8)) return r.pick(list);
  return r.pickW(MIDDLE[sex][eraOf(birthYear)]);
}

export function pickGiven(r: Rng, sex: Sex, ethnicity: string, avoid?: string): string {
  const style = ETHNIC[ethnicity];
  const list = sex === 'M' ? style?.givenM : style?.givenF;
  for (let i = 0; i < 8; i++) {
    const g = list && r.chance(0.7) ? r.pick(list) : r.pickW(GIVEN[sex]);
    if (!avoid || !avoid.split(' ').includes(g)) return g;
  }
  return sex === 'M' ? 'Nam' : 'Lan';
}

export function makeName(
  r: Rng,
  sex: Sex,
  birthYear: number,
  region: Region,
  ethnicity: string,
  surname?: string,
): PersonName {
  const s = surname ?? pickSurname(r, region, ethnicity);
  const middle = pickMiddle(r, sex, birthYear, ethnicity);
  const given = pickGiven(r, sex, ethnicity, middle);
  return { surname: s, middle, given };
}

/**
 * A name that really differs from `n` (not only in form): a different given name
 * or middle name whose folded form differs. Used for MISMATCH defects.
 */
export function mismatchName(r: Rng, n: PersonName, sex: Sex, birthYear: number): PersonName {
  const original = foldName(fullName(n));
  for (let i = 0; i < 50; i++) {
    const changeGiven = r.chance(0.7);
    const cand: PersonName = changeGiven
      ? { ...n, given: r.pickW(GIVEN[sex]) }
      : { ...n, middle: r.pickW(MIDDLE[sex][eraOf(birthYear)]) };
    if (foldName(fullName(cand)) !== original) return cand;
  }
  return { ...n, given: n.given === 'Minh' ? 'Nam' : 'Minh' };
}
