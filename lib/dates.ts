/**
 * Date conversions from the agencies' conventions to ISO 8601. Each throws on a
 * value that is not a real calendar date, so a corrupt record fails loudly in its
 * connector instead of leaking garbage into the API.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when y-m-d is a real calendar date. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function iso(y: number, m: number, d: number, raw: string): string {
  if (!isCalendarDate(y, m, d)) throw new Error(`not a calendar date: ${JSON.stringify(raw)}`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "YYYY-MM-DD" (validated). */
export function fromIsoDate(s: string): string {
  const m = ISO_DATE.exec(s);
  if (!m) throw new Error(`not an ISO date: ${JSON.stringify(s)}`);
  return iso(+m[1], +m[2], +m[3], s);
}

/** "dd/MM/yyyy" (VSS) → "YYYY-MM-DD". */
export function fromDmy(s: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (!m) throw new Error(`not a dd/MM/yyyy date: ${JSON.stringify(s)}`);
  return iso(+m[3], +m[2], +m[1], s);
}

/** "YYYYMMDD" (traffic police) → "YYYY-MM-DD". */
export function fromYmdCompact(s: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new Error(`not a YYYYMMDD date: ${JSON.stringify(s)}`);
  return iso(+m[1], +m[2], +m[3], s);
}

/** "MM/yyyy" → first day of that month, "YYYY-MM-01". */
export function fromMonthStart(s: string): string {
  const m = /^(\d{2})\/(\d{4})$/.exec(s);
  if (!m) throw new Error(`not a MM/yyyy month: ${JSON.stringify(s)}`);
  return iso(+m[2], +m[1], 1, s);
}

/** "MM/yyyy" → last day of that month. */
export function fromMonthEnd(s: string): string {
  const m = /^(\d{2})\/(\d{4})$/.exec(s);
  if (!m) throw new Error(`not a MM/yyyy month: ${JSON.stringify(s)}`);
  const y = +m[2];
  const mo = +m[1];
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return iso(y, mo, last, s);
}

/**
 * "dd/MM/yyyy HH:mm:ss" in Vietnam's time (UTC+7, no DST) → Date, or "dd/MM/yyyy"
 * (midnight local time).
 */
export function fromDmyTimeVn(s: string): Date {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) throw new Error(`not a dd/MM/yyyy[ HH:mm[:ss]] time: ${JSON.stringify(s)}`);
  iso(+m[3], +m[2], +m[1], s);
  return new Date(Date.UTC(+m[3], +m[2] - 1, +m[1], +(m[4] ?? 0) - 7, +(m[5] ?? 0), +(m[6] ?? 0)));
}

/** Today's date in Vietnam (UTC+7), "YYYY-MM-DD". */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The forms {@link readDate} recognises. */
export type DateForm = 'ISO' | 'COMPACT' | 'DMY' | 'DATETIME';

const ANY_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const ANY_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const ANY_DMY = /^(\d{2})([/.-])(\d{2})\2(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a calendar date written in any form one of the agencies uses: "YYYY-MM-DD", "YYYYMMDD",
 * "dd/MM/yyyy" (also with "-" or "." between, and with a time "HH:mm[:ss]" after it), an ISO
 * date-time with or without an offset. A date-time with an offset is taken as the day in
 * Vietnam (UTC+7) at that instant ("1990-05-11T17:00:00Z" is 12 May 1990); without one, its
 * date as written. Day and month are never swapped to make a date valid (no "MM/dd/yyyy").
 * Null when the value is not a real calendar date in one of these forms.
 */
export function readDate(s: string): { iso: string; form: DateForm } | null {
  let m = ANY_ISO.exec(s);
  if (m) return calendar(+m[1], +m[2], +m[3], 'ISO');
  m = ANY_COMPACT.exec(s);
  if (m) return calendar(+m[1], +m[2], +m[3], 'COMPACT');
  m = ANY_DMY.exec(s);
  if (m) return calendar(+m[4], +m[3], +m[1], m[5] === undefined && m[2] === '/' ? 'DMY' : 'DATETIME');
  m = ISO_DATETIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59) return null;
  const zone = m[7];
  if (zone === undefined) return calendar(y, mo, d, 'DATETIME');
  let offsetMin = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMin = (zone[0] === '-' ? -1 : 1) * (+digits.slice(1, 3) * 60 + +digits.slice(3, 5));
  }
  const utc = Date.UTC(y, mo - 1, d, h, mi) - offsetMin * 60_000;
  return { iso: todayInVietnam(new Date(utc)), form: 'DATETIME' };
}

function calendar(y: number, m: number, d: number, form: DateForm): { iso: string; form: DateForm } | null {
  if (!isCalendarDate(y, m, d)) return null;
  return { iso: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, form };
}
