import { readFileSync } from 'node:fs';
import holidaysVn from './holidays-vn.json';

/**
 * The working-day calendar of approval deadlines (docs/domain.md, "The two account
 * levels": Level 1 at most 1 working day, Level 2 at most 3, at most 7 without a
 * chip ID card).
 *
 * Everything here works on **calendar dates in Vietnam** (UTC+7, no daylight
 * saving), written `YYYY-MM-DD`. A `Date` argument is an instant and is first
 * converted to the date it is in Vietnam: `2026-04-29T17:30:00Z` is already
 * `2026-04-30`.
 *
 * A day is a working day when it is Monday–Friday and not a holiday, or when it
 * is a Saturday/Sunday declared a compensatory working day ("làm bù").
 *
 * Deadline convention (Civil Code 2015 art. 147: the day of the event is not
 * counted): a request received on day D with a deadline of "at most n working
 * days" must be decided by the end of the n-th working day **strictly after** D.
 * The receipt day never counts, whether or not it is a working day, so
 * - received Friday, n = 1 → the next Monday (or the next working day after it
 *   when Monday is a holiday);
 * - received on a Saturday, Sunday or holiday → counting starts from the next
 *   working day, which is day 1 (received Saturday, n = 1 → Monday);
 * - the request is overdue from the first calendar day after that deadline date.
 */
export interface HolidayCalendar {
  /** Days off (YYYY-MM-DD): public holidays, compensatory and swapped days off. */
  readonly holidays: ReadonlySet<string>;
  /** Saturdays/Sundays declared working days ("làm bù"). */
  readonly workdaysOnWeekend: ReadonlySet<string>;
}

/** A calendar date in Vietnam (`YYYY-MM-DD`) or an instant. */
export type DateInput = string | Date;

/** Thrown when a calendar document is malformed; the message names the entry. */
export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** Vietnam is UTC+7 all year (no daylight saving). */
export const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Upper bound of the day-by-day walks, so a calendar of only holidays cannot loop forever. */
const MAX_SCAN_DAYS = 366 * 5;

/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * The calendar date in Vietnam of `input`: a `Date` instant is shifted to UTC+7;
 * a string must already be a valid `YYYY-MM-DD` date (throws RangeError otherwise).
 */
export function vietnamDate(input: DateInput): string {
  if (input instanceof Date) {
    const t = input.getTime();
    if (Number.isNaN(t)) throw new RangeError('Invalid Date');
    return new Date(t + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
  }
  if (typeof input !== 'string' || !isIsoDate(input)) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(input)}`);
  }
  return input;
}

function toDayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
function addCalendarDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

function isWeekendDate(date: string): boolean {
  const dow = new Date(toDayNumber(date) * DAY_MS).getUTCDay();
  return dow === 0 || dow === 6;
}

function isWorkingDate(date: string, cal: HolidayCalendar): boolean {
  if (cal.workdaysOnWeekend.has(date)) return true;
  return !isWeekendDate(date) && !cal.holidays.has(date);
}

/** Whether the Vietnamese calendar date of `date` is a working day. */
export function isWorkingDay(date: DateInput, cal: HolidayCalendar): boolean {
  return isWorkingDate(vietnamDate(date), cal);
}

/**
 * The deadline date (YYYY-MM-DD) of a request received on `start` with `n`
 * working days: the n-th working day strictly after the receipt date (see the
 * module comment). `n = 0` returns the receipt date itself.
 */
export function addWorkingDays(start: DateInput, n: number, cal: HolidayCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer: ${n}`);
  let date = vietnamDate(start);
  let remaining = n;
  let scanned = 0;
  while (remaining > 0) {
    date = addCalendarDays(date, 1);
    if (isWorkingDate(date, cal)) remaining--;
    if (++scanned > MAX_SCAN_DAYS + n) throw new RangeError('no working days found in the calendar');
  }
  return date;
}

/**
 * The number of working days strictly after `from` up to and including `to`
 * (0 when `to` is not after `from`). `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
 */
export function workingDaysBetween(from: DateInput, to: DateInput, cal: HolidayCalendar): number {
  const a = toDayNumber(vietnamDate(from));
  const b = toDayNumber(vietnamDate(to));
  let count = 0;
  for (let day = a + 1; day <= b; day++) {
    if (isWorkingDate(fromDayNumber(day), cal)) count++;
  }
  return count;
}

/**
 * Whether a request received on `receivedOn` with a deadline of
 * `deadlineWorkingDays` working days is overdue at `now`: true from the first
 * calendar day (in Vietnam) after the deadline date; false on the deadline day.
 */
export function isOverdue(
  receivedOn: DateInput,
  deadlineWorkingDays: number,
  now: DateInput,
  cal: HolidayCalendar,
): boolean {
  return vietnamDate(now) > addWorkingDays(receivedOn, deadlineWorkingDays, cal);
}

/** The end (23:59:59.999 Vietnam time) of a "YYYY-MM-DD" day, as an instant. */
export function endOfVietnamDay(day: string): Date {
  return new Date(Date.parse(`${day}T23:59:59.999Z`) - VIETNAM_OFFSET_MS);
}

/** Calendar days the citizen has to activate after the approval notice. */
export const ACTIVATION_WINDOW_DAYS = 7;

/**
 * The last instant the citizen may activate: the end (23:59:59.999, Vietnam time) of the 7th
 * calendar day after the day of the notice. Notified on day 0 → day 7 allowed, day 8 closed.
 */
export function activationDeadline(notifiedAt: Date): Date {
  const vnDay = Math.floor((notifiedAt.getTime() + VIETNAM_OFFSET_MS) / DAY_MS);
  return new Date((vnDay + ACTIVATION_WINDOW_DAYS + 1) * DAY_MS - VIETNAM_OFFSET_MS - 1);
}

/**
 * The approval deadline in working days (docs/domain.md table): Level 1 → 1,
 * Level 2 → 3; 7 for either level when the citizen has no chip ID card yet.
 */
export function approvalDeadlineDays(req: { level: 1 | 2; hasChipCard: boolean }): number {
  if (!req.hasChipCard) return 7;
  if (req.level === 1) return 1;
  if (req.level === 2) return 3;
  throw new RangeError(`unknown account level: ${String(req.level)}`);
}

// ---------------------------------------------------------------------------
// Loading

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASES = new Set(['law', 'announced', 'computed']);

/** Reads one entry: a `YYYY-MM-DD` string or `{ date, name?, basis?, note? }`. */
function readEntry(entry: unknown, where: string, requireName: boolean): string {
  let date: unknown = entry;
  if (isRecord(entry)) {
    date = entry.date;
    if (requireName || entry.name !== undefined) {
      if (typeof entry.name !== 'string' || entry.name.trim() === '') {
        throw new CalendarError(`${where}: "name" must be a non-empty string`);
      }
    }
    if (entry.basis !== undefined && (typeof entry.basis !== 'string' || !BASES.has(entry.basis))) {
      throw new CalendarError(`${where}: "basis" must be one of ${[...BASES].join(', ')}`);
    }
    if (entry.note !== undefined && typeof entry.note !== 'string') {
      throw new CalendarError(`${where}: "note" must be a string`);
    }
  } else if (requireName) {
    throw new CalendarError(`${where}: expected an object {"date": "YYYY-MM-DD", "name": "..."}`);
  }
  if (typeof date !== 'string' || !isIsoDate(date)) {
    throw new CalendarError(`${where}: not a valid date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
  return date;
}

/**
 * Validates a calendar document and builds the calendar:
 * ```json
 * { "holidays": { "2026": [{ "date": "2026-01-01", "name": "Tết Dương lịch" }] },
 *   "workdaysOnWeekend": ["2025-04-26"] }
 * ```
 * `json` is the parsed document or its JSON text. Holidays are grouped by year and
 * each date must be in its year; `workdaysOnWeekend` entries are date strings or
 * `{ date, name }` and must be a Saturday or Sunday that is not also a holiday.
 * Optional `basis` ("law" | "announced" | "computed") and `note` document an entry;
 * a top-level `description` is allowed. Throws {@link CalendarError} naming the
 * offending entry.
 */
export function loadCalendar(json: unknown): HolidayCalendar {
  let doc = json;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch (e) {
      throw new CalendarError(`calendar is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isRecord(doc)) throw new CalendarError('calendar must be a JSON object');
  for (const key of Object.keys(doc)) {
    if (!['holidays', 'workdaysOnWeekend', 'description'].includes(key)) {
      throw new CalendarError(`calendar: unknown key "${key}"`);
    }
  }
  if (!isRecord(doc.holidays)) {
    throw new CalendarError('calendar: "holidays" must be an object of years, e.g. {"2026": [...]}');
  }
  const holidays = new Set<string>();
  for (const [year, entries] of Object.entries(doc.holidays)) {
    if (!/^\d{4}$/.test(year)) throw new CalendarError(`holidays: year key must be 4 digits: "${year}"`);
    if (!Array.isArray(entries)) throw new CalendarError(`holidays.${year} must be an array`);
    entries.forEach((entry, i) => {
      const where = `holidays.${year}[${i}]`;
      const date = readEntry(entry, where, true);
      if (date.slice(0, 4) !== year) throw new CalendarError(`${where}: ${date} is not in ${year}`);
      if (holidays.has(date)) throw new CalendarError(`${where}: duplicate holiday ${date}`);
      holidays.add(date);
    });
  }
  const workdays = new Set<string>();
  const rawWorkdays = doc.workdaysOnWeekend ?? [];
  if (!Array.isArray(rawWorkdays)) throw new CalendarError('calendar: "workdaysOnWeekend" must be an array');
  rawWorkdays.forEach((entry, i) => {
    const where = `workdaysOnWeekend[${i}]`;
    const date = readEntry(entry, where, false);
    if (!isWeekendDate(date)) throw new CalendarError(`${where}: ${date} is not a Saturday or Sunday`);
    if (holidays.has(date)) throw new CalendarError(`${where}: ${date} is also listed as a holiday`);
    workdays.add(date);
  });
  return { holidays, workdaysOnWeekend: workdays };
}

/** Reads and validates a calendar document from a file (a deployment's replacement calendar). */
export function loadCalendarFile(path: string): HolidayCalendar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CalendarError(`cannot read calendar file ${path}: ${(e as Error).message}`);
  }
  try {
    return loadCalendar(text);
  } catch (e) {
    if (e instanceof CalendarError) throw new CalendarError(`${path}: ${e.message}`);
    throw e;
  }
}

/**
 * Vietnam's public holidays 2024–2027 from `holidays-vn.json` (Labour Code 2019
 * art. 112). Each entry's `basis` says where it comes from: "law" (fixed dates and
 * the art. 112(3) compensatory day off), "announced" (the official notice of the
 * year: 2024 and 2025 Tết ranges, the swapped days 29/4/2024 and 2/5/2025 with
 * their Saturdays worked, the adjacent Quốc khánh days 3/9/2024 and 1/9/2025) or
 * "computed" (derived here, not from a notice: Tết 2026 16–20 Feb, Tết 2027
 * 4–10 Feb, the adjacent Quốc khánh days 1/9/2026 and 3/9/2027). Years outside
 * 2024–2027 have weekends only.
 */
export const DEFAULT_CALENDAR: HolidayCalendar = loadCalendar(holidaysVn);
