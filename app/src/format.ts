/** Dates and numbers as a citizen reads them, in the current language (Vietnam time). */
import { lang } from './i18n';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

function locale(): string {
  return lang() === 'vi' ? 'vi-VN' : 'en-GB';
}

/** A calendar date (`YYYY-MM-DD`) as `04/12/2026` (vi) or `4 Dec 2026` (en); `—` when absent. */
export function fmtDate(d: string | null | undefined): string {
  if (!d) return '—';
  const date = new Date(`${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return d;
  return new Intl.DateTimeFormat(locale(), {
    day: lang() === 'vi' ? '2-digit' : 'numeric',
    month: lang() === 'vi' ? '2-digit' : 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** A month of a calendar date (`MM/yyyy` or `Dec 2026`). */
export function fmtMonth(d: string | null | undefined): string {
  if (!d) return '—';
  const date = new Date(`${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return d;
  return new Intl.DateTimeFormat(locale(), {
    month: lang() === 'vi' ? '2-digit' : 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** The Vietnam calendar day of an instant, formatted like {@link fmtDate}. */
export function fmtDayOf(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : fmtDate(todayInVietnam(new Date(ms)));
}

/** An instant, in Vietnam time, with the time of day. */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    day: lang() === 'vi' ? '2-digit' : 'numeric',
    month: lang() === 'vi' ? '2-digit' : 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: TIME_ZONE,
  }).format(date);
}

/** Today in Vietnam, `YYYY-MM-DD`. */
export function todayInVietnam(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first and last instants of a Vietnam calendar day, as ISO strings. */
export function startOfDay(day: string): string {
  return `${day}T00:00:00.000+07:00`;
}
export function endOfDay(day: string): string {
  return `${day}T23:59:59.999+07:00`;
}

/** A deadline in words, in Vietnam time: `Thứ Ba, 05/05/2026 lúc 23:59` or `Tuesday 5 May 2026 at 23:59`. */
export function fmtDeadline(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const vi = lang() === 'vi';
  const day = new Intl.DateTimeFormat(locale(), {
    weekday: 'long',
    day: vi ? '2-digit' : 'numeric',
    month: vi ? '2-digit' : 'long',
    year: 'numeric',
    timeZone: TIME_ZONE,
  }).format(date);
  const time = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }).format(
    date,
  );
  return `${day} ${vi ? 'lúc' : 'at'} ${time}`;
}
