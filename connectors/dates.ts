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
