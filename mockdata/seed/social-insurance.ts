/**
 * Builds social-insurance books (BHXH, Vietnam Social Security mock): names in
 * UPPER CASE WITHOUT DIACRITICS, dates "dd/MM/yyyy", months "MM/yyyy".
 * Contribution periods follow the person's working life: compulsory (BB) with
 * unemployment insurance (BHTN, since 2009) alongside, voluntary (TN, "Tự đóng"),
 * and benefits (sickness, maternity at their children's births, pension, ...). The book's number
 * is the personal ID since 1 August 2025 (older books: the 10-digit code; sources-2025.ts).
 */
import { minimumWage, pickEmployer, salaryFor } from '../generator/employers';
import {
  TODAY,
  addMonths,
  ageOn,
  birthday,
  day,
  dmy,
  monthStart,
  monthYear,
  yearOf,
  type Day,
} from '../generator/dates';
import type { Person, WorkKind } from '../generator/model';
import { endOf } from '../generator/people';
import type { Rng } from '../generator/prng';
import type { BuildContext, SourceSeed } from '../generator/source';
import { bookNumbers, numberMismatch, olderNumberKey } from '../generator/sources-2025';
import { upperNoDiacritics } from '../generator/text';
import {
  SOCIAL_INSURANCE_COLLECTION,
  SOCIAL_INSURANCE_DB,
  type CheDoHuong,
  type QuaTrinhDong,
  type SoBhxhDoc,
} from '../../connectors/social-insurance/model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Dt = Date;

export { SOCIAL_INSURANCE_COLLECTION, SOCIAL_INSURANCE_DB };

const BHTN_START = day(2009, 1, 1);
const RECORDS_START = day(1995, 1, 1);

function monthsBetween(a: Day, b: Day): number {
  // inclusive count of calendar months from a's month to b's month
  const ya = yearOf(a);
  const yb = yearOf(b);
  const ma = new Dt(a * 86_400_000).getUTCMonth();
  const mb = new Dt(b * 86_400_000).getUTCMonth();
  return (yb - ya) * 12 + (mb - ma) + 1;
}

/** Pension age used for the mock: 60 for men, 55 for women (the pre-2021 rule; most retirees left under it). */
export function retirementDay(p: Person): Day {
  return birthday(p.birth, p.sex === 'M' ? 60 : 55);
}

/** A book's contribution periods and benefits, and the sums its pension is figured from. */
interface Book {
  quaTrinh: QuaTrinhDong[];
  cheDo: CheDoHuong[];
  /** Months contributed. */
  months: number;
  /** Salaries × months, indexed to the year the history stops. */
  salarySum: number;
  salaryN: number;
  lastSalary: number;
}

function build(p: Person, r: Rng, ctx: BuildContext): SoBhxhDoc {
  // The code the person already had (from a health-insurance card), before this book asks for one.
  const had = p.bhxhCode;
  const end = endOf(p);
  const kind = p.work ?? 'FORMER';
  const startAge = r.int(18, 25);
  const t = monthStart(M.max(RECORDS_START, birthday(p.birth, startAge)));
  const retire = retirementDay(p);
  // When the contribution history stops.
  let stop: Day;
  if (kind === 'RETIRED') stop = M.min(end, retire - 1);
  else if (kind === 'FORMER') stop = M.min(end, M.max(t + 365, end - r.int(180, 10 * 365)));
  else stop = end; // EMPLOYED / VOLUNTARY: ongoing
  if (stop <= t) stop = M.min(end, t + 400);
  const book = contributions(p, r, { kind, t, stop });
  const { quaTrinh, cheDo } = book;
  closingBenefit(r, book, { kind, retire, end, stop });
  cheDo.sort((a, b) => toDay(a.ngay) - toDay(b.ngay));
  // A book with no period and no benefit yet (just opened) was last touched recently.
  const lastChange =
    quaTrinh.length + cheDo.length === 0
      ? TODAY - r.int(1, 25)
      : M.max(
          ...quaTrinh.map((q) => (q.denThang === null ? TODAY - r.int(1, 25) : monthStart(parseMonth(q.denThang)))),
          ...cheDo.map((c) => toDay(c.ngay)),
        );
  const code = ctx.bhxhCode(p);
  const doc: SoBhxhDoc = {
    _id: p.id,
    hoTen: upperNoDiacritics(p.fullName),
    ngaySinh: dmy(p.birth),
    gioiTinh: p.sex === 'M' ? 'NAM' : 'NU',
    maSoBhxh: code,
    quaTrinh,
    tongSoThang: book.months,
    cheDo,
    ngayCapNhat: dmy(M.min(TODAY - 1, lastChange)),
  };
  bookNumbers(doc, p, r, had, code);
  return doc;
}

/**
 * The contribution periods from `t` to `stop`: jobs (compulsory, with unemployment insurance
 * since 2009) with gaps between them, or voluntary contributions, and the benefits during them.
 */
function contributions(p: Person, r: Rng, span: { kind: WorkKind; t: Day; stop: Day }): Book {
  const { kind, stop } = span;
  let t = span.t;
  const book: Book = { quaTrinh: [], cheDo: [], months: 0, salarySum: 0, salaryN: 0, lastSalary: 0 };
  const { quaTrinh, cheDo } = book;
  const province = p.household.place.province;
  let multiple = 1 + r.next() * 1.5;
  const voluntaryFrom = kind === 'VOLUNTARY' ? M.max(t, stop - r.int(12, 8 * 365)) : Infinity;
  for (let g = 0; g < 20 && t < stop; g++) {
    const voluntary = t >= voluntaryFrom;
    const len = voluntary ? 10_000 : r.int(12, 110);
    let periodEnd = addMonths(t, len) - 1;
    const ongoing = periodEnd >= stop && (kind === 'EMPLOYED' || kind === 'VOLUNTARY') && p.death === null;
    if (periodEnd >= stop) periodEnd = stop;
    if (!voluntary && voluntaryFrom !== Infinity && periodEnd >= voluntaryFrom) periodEnd = voluntaryFrom - 1;
    if (periodEnd < t) break;
    const year = yearOf(t);
    const donVi = voluntary ? 'Tự đóng' : pickEmployer(r, province);
    const mucLuong = voluntary
      ? M.round((1_500_000 + r.int(0, 35) * 100_000) / 1000) * 1000
      : salaryFor(year, multiple);
    const tuThang = monthYear(t);
    const denThang = ongoing ? null : monthYear(periodEnd);
    quaTrinh.push({ tuThang, denThang, donVi, mucLuong, loaiHinh: voluntary ? 'TN' : 'BB' });
    if (!voluntary && periodEnd >= BHTN_START) {
      const bStart = t >= BHTN_START ? t : BHTN_START;
      quaTrinh.push({ tuThang: monthYear(bStart), denThang, donVi, mucLuong, loaiHinh: 'BHTN' });
    }
    const n = monthsBetween(t, ongoing ? TODAY : periodEnd);
    book.months += n;
    // Past salaries are indexed to the year the history stops (as for pension calculation).
    book.salarySum += mucLuong * n * (minimumWage(yearOf(stop)) / minimumWage(year));
    book.salaryN += n;
    book.lastSalary = mucLuong;
    // Benefits during this period.
    if (!voluntary) periodBenefits(p, r, cheDo, { t, periodEnd, mucLuong });
    if (ongoing) break;
    // A gap between jobs, sometimes with unemployment benefit.
    const gap = r.int(0, 14);
    if (gap >= 3 && periodEnd >= BHTN_START && r.chance(0.4) && periodEnd + 20 < TODAY) {
      cheDo.push({
        loai: 'TRO_CAP_THAT_NGHIEP',
        ngay: dmy(periodEnd + r.int(10, 20)),
        soTien: M.round((mucLuong * 0.6 * 3) / 1000) * 1000,
      });
    }
    t = monthStart(addMonths(periodEnd, gap) + 1);
    multiple = M.min(9, multiple * (1 + r.next() * 0.35));
  }
  return book;
}

/** Sickness, occupational accident and maternity benefits of a compulsory period. */
function periodBenefits(
  p: Person,
  r: Rng,
  cheDo: CheDoHuong[],
  period: { t: Day; periodEnd: Day; mucLuong: number },
): void {
  const { t, periodEnd, mucLuong } = period;
  if (r.chance(0.12)) {
    const d = r.int(t, M.min(periodEnd, TODAY - 1));
    const days = r.int(2, 14);
    cheDo.push({ loai: 'OM_DAU', ngay: dmy(d), soTien: M.round((mucLuong * 0.75 * days) / 24 / 1000) * 1000 });
  }
  if (r.chance(0.004)) {
    cheDo.push({
      loai: 'TNLD_BNN',
      ngay: dmy(r.int(t, M.min(periodEnd, TODAY - 1))),
      soTien: M.round((mucLuong * r.int(5, 30)) / 1000) * 1000,
    });
  }
  if (p.sex === 'F') {
    for (const d of p.household.members) {
      if (d.mother?.person === p && d.birth >= t && d.birth <= periodEnd) {
        cheDo.push({
          loai: 'THAI_SAN',
          ngay: dmy(d.birth),
          soTien: M.round((mucLuong * 6 + salaryFor(yearOf(d.birth), 2)) / 1000) * 1000,
        });
      }
    }
  }
}

/** The pension of a retiree, or the one-time payment some former contributors took. */
function closingBenefit(r: Rng, book: Book, at: { kind: WorkKind; retire: Day; end: Day; stop: Day }): void {
  const { kind, retire, end, stop } = at;
  if (kind === 'RETIRED' && retire <= end) {
    const avg = book.salaryN > 0 ? book.salarySum / book.salaryN : book.lastSalary;
    const rate = M.min(0.75, 0.45 + M.max(0, book.months / 12 - 20) * 0.02);
    book.cheDo.push({ loai: 'HUU_TRI', ngay: dmy(retire), soTien: M.round((avg * rate) / 1000) * 1000 });
  } else if (kind === 'FORMER' && r.chance(0.25)) {
    const d = M.min(TODAY - 1, stop + r.int(365, 800));
    if (d < end)
      book.cheDo.push({
        loai: 'MOT_LAN',
        ngay: dmy(d),
        soTien: M.round((book.lastSalary * 1.5 * M.max(1, book.months / 12)) / 1000) * 1000,
      });
  }
}

function toDay(dmyStr: string): Day {
  return day(+dmyStr.slice(6, 10), +dmyStr.slice(3, 5), +dmyStr.slice(0, 2));
}

function parseMonth(s: string): Day {
  return day(+s.slice(3, 7), +s.slice(0, 2), 1);
}

/** Who has a social-insurance book (decided by the generator core into `Person.work`). */
export function workProfile(p: Person, r: Rng): Person['work'] {
  const end = endOf(p);
  const age = ageOn(p.birth, end);
  if (age < 18) return null;
  if (retirementDay(p) <= end) {
    // Retirees drawing a pension (a minority of older people have one).
    if (yearOf(retirementDay(p)) >= 1997 && r.chance(0.35)) return 'RETIRED';
    return null;
  }
  const x = r.next();
  if (x < 0.28) return 'EMPLOYED';
  if (x < 0.31) return 'VOLUNTARY';
  if (x < 0.4) return 'FORMER';
  return null;
}

export const socialInsuranceSeed: SourceSeed<SoBhxhDoc> = {
  source: 'socialInsurance',
  db: SOCIAL_INSURANCE_DB,
  collection: SOCIAL_INSURANCE_COLLECTION,
  covers: (p) => p.work !== null,
  build,
  upperName: true,
  formatOnly: false,
  conventionalName: (n) => upperNoDiacritics(n),
  getName: (d) => d.hoTen,
  setName: (d, v) => {
    d.hoTen = v;
  },
  getDob: (d) => d.ngaySinh,
  setDob: (d, dn) => {
    d.ngaySinh = dmy(dn);
  },
  getSex: (d) => d.gioiTinh,
  setSex: (d, s) => {
    d.gioiTinh = s === 'M' ? 'NAM' : 'NU';
  },
  olderKey: olderNumberKey,
  mismatch: numberMismatch,
};
