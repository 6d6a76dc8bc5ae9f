/**
 * Employers for social-insurance contribution histories: some large real
 * employers (by the province of their main workforce), and generated companies,
 * schools and commune offices of the worker's province. Salary levels follow the
 * regional minimum wage over time (approximate).
 */
import type { Province } from './areas';
import type { Rng } from './prng';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;

const LARGE: Array<[string, string | null]> = [
  ['Tập đoàn Điện lực Việt Nam', null],
  ['Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)', null],
  ['Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)', null],
  ['Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam', null],
  ['Ngân hàng TMCP Ngoại thương Việt Nam', null],
  ['Tổng Công ty Bưu điện Việt Nam', null],
  ['Công ty Cổ phần Thế Giới Di Động', null],
  ['Công ty Cổ phần FPT', null],
  ['Công ty TNHH Samsung Electronics Việt Nam', '24'],
  ['Công ty TNHH Samsung Electronics Việt Nam Thái Nguyên', '19'],
  ['Công ty TNHH LG Display Việt Nam Hải Phòng', '31'],
  ['Công ty TNHH Canon Việt Nam', '01'],
  ['Tổng Công ty May 10', '01'],
  ['Công ty TNHH Pouyuen Việt Nam', '79'],
  ['Công ty TNHH Intel Products Việt Nam', '79'],
  ['Công ty Cổ phần Sữa Việt Nam', '79'],
  ['Tổng Công ty Hàng không Việt Nam', '79'],
  ['Công ty TNHH Changshin Việt Nam', '75'],
  ['Công ty Cổ phần Tập đoàn Hòa Phát', '33'],
  ['Công ty TNHH Nestlé Việt Nam', '75'],
];

const SECTORS = [
  'Thương mại Dịch vụ',
  'Xây dựng',
  'Sản xuất',
  'May mặc',
  'Thực phẩm',
  'Vận tải',
  'Cơ khí',
  'Điện tử',
  'Công nghệ',
  'Xuất nhập khẩu',
  'Nông sản',
  'Du lịch',
];
const BRAND = [
  'Phú Thành',
  'An Phát',
  'Hoàng Long',
  'Minh Phát',
  'Tân Tiến',
  'Đại Việt',
  'Sao Mai',
  'Thành Công',
  'Hưng Thịnh',
  'Phương Nam',
  'Bắc Việt',
  'Trường Sơn',
  'Việt Hưng',
  'Hòa Bình',
  'Kim Long',
  'Đông Á',
  'Sông Hồng',
  'Cửu Long',
];

export function pickEmployer(r: Rng, p: Province): string {
  const x = r.next();
  if (x < 0.18) {
    const local = LARGE.filter(([, code]) => code === null || code === p.code);
    return r.pick(local)[0];
  }
  if (x < 0.32) {
    const c = r.pick(p.communes).name.replace(/^(Phường|Xã|Đặc khu) /, '');
    return r.pick([
      `Trường Tiểu học ${c}`,
      `Trường THCS ${c}`,
      `Trường THPT ${c}`,
      `Ủy ban nhân dân ${r
        .pick(p.communes)
        .name.replace(/^Phường/, 'phường')
        .replace(/^Xã/, 'xã')
        .replace(/^Đặc khu/, 'đặc khu')}`,
      `Trạm Y tế ${c}`,
    ]);
  }
  const form = r.chance(0.6) ? 'Công ty TNHH' : 'Công ty Cổ phần';
  return `${form} ${r.pick(SECTORS)} ${r.pick(BRAND)}`;
}

/** Approximate region-I minimum wage (VND/month) in a year. */
export function minimumWage(year: number): number {
  const table: Array<[number, number]> = [
    [1995, 144_000],
    [2000, 180_000],
    [2005, 350_000],
    [2008, 620_000],
    [2010, 980_000],
    [2012, 2_000_000],
    [2014, 2_700_000],
    [2016, 3_500_000],
    [2018, 3_980_000],
    [2020, 4_420_000],
    [2022, 4_680_000],
    [2024, 4_960_000],
    [2026, 5_310_000],
  ];
  if (year <= table[0][0]) return table[0][1];
  for (let i = 1; i < table.length; i++) {
    if (year <= table[i][0]) {
      const [y0, w0] = table[i - 1];
      const [y1, w1] = table[i];
      return M.round(w0 + ((w1 - w0) * (year - y0)) / (y1 - y0));
    }
  }
  return table[table.length - 1][1];
}

/** A salary base rounded to the thousand. */
export function salaryFor(year: number, multiple: number): number {
  return M.round((minimumWage(year) * multiple) / 1000) * 1000;
}
