/**
 * The legal deadlines of a data subject's request (docs/rights.md, with their basis):
 *
 * - **acknowledge** within 2 working days of receipt (Decree 356/2025, as summarised: "respond
 *   within 02 working days from the date of receipt");
 * - **act** within 15 days, or 20 where a processor or a third party (here: the client holding
 *   the data) must stop processing (Decree 356/2025, as summarised for withdrawal, restriction and
 *   objection; applied to access and correction too, UNCONFIRMED);
 * - **one extension** of at most 15 days (Decree 356/2025, as summarised).
 *
 * How days are counted. Working days (the acknowledgement) use the holiday calendar of
 * services/accounts/calendar.ts: the day of receipt does not count, the deadline is the end
 * (23:59:59.999, Vietnam time) of the n-th working day after it. "15 days" and "20 days" are read
 * as **calendar days** by default (the summaries say "working days" for the acknowledgement only;
 * UNCONFIRMED against the decree's text): the n-th calendar day after receipt, and when that day
 * is a weekend day or a public holiday the deadline moves to the end of the next working day
 * (Civil Code 2015, Art. 148, on the end of a time limit). `HUB_RIGHTS_DAY_COUNT=working` counts
 * them as working days instead.
 */
import { addWorkingDays, isWorkingDay, vietnamDate, type HolidayCalendar } from '../accounts/calendar';
import type { DataRequestKind } from './model';

export const ACK_WORKING_DAYS = 2;
export const ACT_DAYS = 15;
export const ACT_DAYS_THIRD_PARTY = 20;
export const EXTENSION_DAYS = 15;

/** How the 15 / 20 / 15 days are counted. */
export type DayCount = 'calendar' | 'working';

/** Requests where a third party (the client that holds the data) must stop: the longer deadline. */
export function involvesThirdParty(kind: DataRequestKind): boolean {
  return kind === 'OBJECTION' || kind === 'RESTRICTION' || kind === 'CONSENT_WITHDRAWAL';
}

/** The last instant of a Vietnam calendar date (UTC+7). */
export function endOfVietnamDay(date: string): Date {
  return new Date(Date.parse(`${date}T23:59:59.999+07:00`));
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The date `n` days after `start` (Vietnam dates; the start day does not count): calendar days
 * moved past a weekend or holiday to the next working day, or working days.
 */
export function addDays(start: Date | string, n: number, cal: HolidayCalendar, count: DayCount): string {
  if (count === 'working') return addWorkingDays(start, n, cal);
  let date = vietnamDate(start);
  for (let i = 0; i < n; i++) date = nextDate(date);
  for (let guard = 0; !isWorkingDay(date, cal); guard++) {
    if (guard > 366) throw new RangeError('no working day found in the calendar');
    date = nextDate(date);
  }
  return date;
}

/** The deadlines of a request received at `receivedAt`. */
export function requestDeadlines(
  receivedAt: Date,
  kind: DataRequestKind,
  cal: HolidayCalendar,
  count: DayCount,
): { ackDueAt: Date; actDueAt: Date } {
  const days = involvesThirdParty(kind) ? ACT_DAYS_THIRD_PARTY : ACT_DAYS;
  return {
    ackDueAt: endOfVietnamDay(addWorkingDays(receivedAt, ACK_WORKING_DAYS, cal)),
    actDueAt: endOfVietnamDay(addDays(receivedAt, days, cal, count)),
  };
}

/** The deadline to act after the one extension: {@link EXTENSION_DAYS} after the deadline it extends. */
export function extendedDeadline(actDueAt: Date, cal: HolidayCalendar, count: DayCount): Date {
  return endOfVietnamDay(addDays(actDueAt, EXTENSION_DAYS, cal, count));
}
