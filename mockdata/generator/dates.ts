/**
 * Calendar helpers for the generator. Dates are handled as integer day numbers
 * (days since 1970-01-01, a proleptic Gregorian calendar) so that the generator
 * never touches the clock or time zones; instants (`Date`) are made from a day
 * number plus seconds of *Vietnam local time* (UTC+7, no DST).
 */

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Str = String;
const Dt = Date;

/** The generator's fixed "today" (Vietnam local date). Ages, validity and stamps are relative to it. */
export const REFERENCE_TODAY = '2026-11-01';

const MS_PER_DAY = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

export type Day = number;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil;
 * pure integer arithmetic, no Date allocation). Out-of-range months/days roll over
 * like Date.UTC does (e.g. day 0 = the last day of the previous month).
 */
export function day(y: number, m: number, d: number): Day {
  // Normalise the month first (Date.UTC semantics), then add days linearly.
  const mi = y * 12 + (m - 1);
  const yy = M.floor(mi / 12);
  const mm = mi - yy * 12 + 1;
  const y2 = mm <= 2 ? yy - 1 : yy;
  const era = M.floor(y2 / 400);
  const yoe = y2 - era * 400;
  const mp = (mm + 9) % 12;
  const doy = M.floor((153 * mp + 2) / 5);
  const doe = yoe * 365 + M.floor(yoe / 4) - M.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + (d - 1);
}

export function parseIsoDay(s: string): Day {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`not an ISO date: ${s}`);
  return day(+m[1], +m[2], +m[3]);
}

/** The reference today as a day number. */
export const TODAY: Day = parseIsoDay(REFERENCE_TODAY);

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Calendar date of a day number (H. Hinnant's civil_from_days). */
export function ymd(dn: Day): Ymd {
  const z = dn + 719468;
  const era = M.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = M.floor((doe - M.floor(doe / 1460) + M.floor(doe / 36524) - M.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + M.floor(yoe / 4) - M.floor(yoe / 100));
  const mp = M.floor((5 * doy + 2) / 153);
  const d = doy - M.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
const p4 = (n: number): string => Str(n).padStart(4, '0');

/** "YYYY-MM-DD" */
export function isoDate(dn: Day): string {
  const { y, m, d } = ymd(dn);
  return `${p4(y)}-${p2(m)}-${p2(d)}`;
}

/** "dd/MM/yyyy" */
export function dmy(dn: Day): string {
  const { y, m, d } = ymd(dn);
  return `${p2(d)}/${p2(m)}/${p4(y)}`;
}

/** "YYYYMMDD" */
export function ymdCompact(dn: Day): string {
  const { y, m, d } = ymd(dn);
  return `${p4(y)}${p2(m)}${p2(d)}`;
}

/** "MM/yyyy" */
export function monthYear(dn: Day): string {
  const { y, m } = ymd(dn);
  return `${p2(m)}/${p4(y)}`;
}

export function yearOf(dn: Day): number {
  return ymd(dn).y;
}

/** The same calendar date `n` years later (29 Feb → 28 Feb). */
export function addYears(dn: Day, n: number): Day {
  const { y, m, d } = ymd(dn);
  return day(y + n, m, M.min(d, daysInMonth(y + n, m)));
}

/** The same day of month `n` months later (clamped to the month's end). */
export function addMonths(dn: Day, n: number): Day {
  const { y, m, d } = ymd(dn);
  const mi = y * 12 + (m - 1) + n;
  const ny = M.floor(mi / 12);
  const nm = (mi % 12) + 1;
  return day(ny, nm, M.min(d, daysInMonth(ny, nm)));
}

export function monthStart(dn: Day): Day {
  const { y, m } = ymd(dn);
  return day(y, m, 1);
}

export function monthEnd(dn: Day): Day {
  const { y, m } = ymd(dn);
  return day(y, m, daysInMonth(y, m));
}

/**
 * Completed years of age on `on` for someone born on `birth`. Consistent with
 * {@link addYears}: someone born on 29 February turns a year older on 28 February
 * of common years.
 */
export function ageOn(birth: Day, on: Day): number {
  const b = ymd(birth);
  const o = ymd(on);
  let age = o.y - b.y;
  if (addYears(birth, age) > on) age--;
  return age;
}

/** The day someone born on `birth` turns `age`. */
export function birthday(birth: Day, age: number): Day {
  return addYears(birth, age);
}

/** Day of week, 0 = Sunday … 6 = Saturday. */
export function weekday(dn: Day): number {
  return (((dn + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isWorkingDay(dn: Day): boolean {
  const w = weekday(dn);
  return w !== 0 && w !== 6;
}

/** `n` working days (Mon–Fri) after `dn`. */
export function addWorkingDays(dn: Day, n: number): Day {
  let d = dn;
  let left = n;
  while (left > 0) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** An instant at `secs` seconds after local (UTC+7) midnight of `dn`. */
export function instant(dn: Day, secs: number): Date {
  return new Dt(dn * MS_PER_DAY + secs * 1000 - VN_OFFSET_MS);
}

function hms(secs: number): string {
  const h = M.floor(secs / 3600);
  const mi = M.floor((secs % 3600) / 60);
  const s = secs % 60;
  return `${p2(h)}:${p2(mi)}:${p2(s)}`;
}

/** "dd/MM/yyyy HH:mm:ss" local time. */
export function dmyTime(dn: Day, secs: number): string {
  return `${dmy(dn)} ${hms(secs)}`;
}

/** ISO 8601 date-time with the Vietnam offset, e.g. "2026-10-12T09:15:00+07:00". */
export function isoDateTimeVn(dn: Day, secs: number): string {
  return `${isoDate(dn)}T${hms(secs)}+07:00`;
}

/** A random office-hours time of day (07:30–17:30), in seconds. */
export function officeSeconds(r: { int(lo: number, hi: number): number }): number {
  return r.int(7 * 3600 + 1800, 17 * 3600 + 1800);
}

export function minDay(...ds: Day[]): Day {
  return M.min(...ds);
}

export function maxDay(...ds: Day[]): Day {
  return M.max(...ds);
}
