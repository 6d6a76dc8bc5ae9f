/**
 * Who may hold an e-identity account of their own: alive, known to the population source, and
 * 14 or older on the registration date (dates read in Vietnam time).
 */
import { VIETNAM_OFFSET_MS } from '../calendar';
import type { EligibilityCode, EligibilityPerson } from '../model';

export const MIN_ACCOUNT_AGE = 14;

type Ymd = [number, number, number];

/** The instant's date in Vietnam. */
function vnDate(d: Date): Ymd {
  const v = new Date(d.getTime() + VIETNAM_OFFSET_MS);
  return [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()];
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** "YYYY-MM-DD" → [y, m, d]; a partial date ("YYYY-MM", "YYYY") takes the LATEST possible day. */
function parseYmd(s: string): Ymd | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 12;
  if (mo < 1 || mo > 12) return null;
  const d = m[3] ? Number(m[3]) : daysInMonth(y, mo);
  if (d < 1 || d > daysInMonth(y, mo)) return null;
  return [y, mo, d];
}

/** A date as [y, m, d]: an instant is read in Vietnam time. */
function toYmd(v: string | Date): Ymd | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : vnDate(v);
  return parseYmd(v);
}

/** Whole years between a birth date and a day (a 29 February birthday falls on 1 March in other years). */
function ageOn(birth: Ymd, day: Ymd): number {
  const before = day[1] < birth[1] || (day[1] === birth[1] && day[2] < birth[2]);
  return day[0] - birth[0] - (before ? 1 : 0);
}

/**
 * May this person hold an e-identity account of their own on `today` (the registration date)?
 * Returns the refusal code, or null. A child under 14 is shown under a parent's or guardian's
 * account instead (dependants). An unreadable date of birth or vital status counts as
 * UNKNOWN_PERSON (fail closed: a deceased person whose status cannot be read gets no account).
 * Nationality is not checked here: the population source holds citizens only, and the Decree
 * lets foreigners of 14+ hold an account too (through the immigration source, not this one).
 */
export function checkEligibility(
  person: EligibilityPerson | null | undefined,
  today: Date | string,
): EligibilityCode | null {
  if (!person || !person.exists) return 'UNKNOWN_PERSON';
  if (person.vitalStatus === 'DECEASED') return 'DECEASED';
  if (person.vitalStatus !== 'ALIVE') return 'UNKNOWN_PERSON';
  const birth = person.dateOfBirth == null ? null : toYmd(person.dateOfBirth);
  const day = toYmd(today);
  if (!birth || !day) return 'UNKNOWN_PERSON';
  return ageOn(birth, day) < MIN_ACCOUNT_AGE ? 'TOO_YOUNG' : null;
}

export const ELIGIBILITY_MESSAGES: Record<EligibilityCode, string> = {
  TOO_YOUNG: `Under ${MIN_ACCOUNT_AGE} on the registration date: a child is shown under a parent's or guardian's account`,
  DECEASED: 'The population source records this person as deceased',
  UNKNOWN_PERSON: 'The population source has no usable record of this person',
};
