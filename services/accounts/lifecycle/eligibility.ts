/**
 * Who may have an e-identity account, and how (Decree 69/2024/NĐ-CP Art. 7 and 10 as summarised):
 * by age, nationality and identity / residence card, on the registration date (Vietnam time).
 */
import { VIETNAM_OFFSET_MS } from '../calendar';
import type { EligibilityCode, EligibilityPerson } from '../model';

/** From this age a person registers their own account (below it, a guardian does). */
export const MIN_ACCOUNT_AGE = 14;
/** From this age Level 2 may be requested (citizens with an identity card, foreigners). */
export const MIN_LEVEL2_AGE = 6;

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

/** Vietnamese citizens: no nationality read, or one naming Viet Nam. */
export function isCitizen(nationality: string | null | undefined): boolean {
  if (nationality == null || nationality.trim() === '') return true;
  const n = nationality
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return n === 'vietnam' || n === 'vn' || n === 'vnm';
}

/**
 * May this person have an account of `request.level` made by `request.by` on `today` (the
 * registration date)? Returns the refusal code, or null. Decree 69/2024/NĐ-CP Art. 7 (who) and
 * Art. 10 (how), as summarised (docs/accounts.md, "Rules and their basis"):
 * - citizens 14+: Level 1 (themselves, in the app) and Level 2 (in person);
 * - citizens 6 to under 14 with a valid identity card: Level 1 (through a guardian), Level 2 on
 *   request (in person); without one: NO_IDENTITY_CARD;
 * - citizens under 6: Level 1 on request through a guardian only (TOO_YOUNG for Level 2);
 * - foreigners: a valid permanent or temporary residence card is required (NO_RESIDENCE_CARD),
 *   then as citizens (Level 2 from 6, Level 1 only under 6; under 14 through a guardian);
 * - a person under 14 cannot register in the app themselves (TOO_YOUNG); a guardian cannot
 *   register someone of 14 or over (GUARDIAN_NOT_NEEDED).
 * The default request (Level 1 in the app by the person) keeps the old two-argument meaning.
 * An unreadable date of birth or vital status counts as UNKNOWN_PERSON (fail closed).
 */
export function checkEligibility(
  person: EligibilityPerson | null | undefined,
  today: Date | string,
  request: EligibilityRequest = { level: 1, by: 'SELF' },
): EligibilityCode | null {
  if (!person || !person.exists) return 'UNKNOWN_PERSON';
  if (person.vitalStatus === 'DECEASED') return 'DECEASED';
  if (person.vitalStatus !== 'ALIVE') return 'UNKNOWN_PERSON';
  const birth = person.dateOfBirth == null ? null : toYmd(person.dateOfBirth);
  const day = toYmd(today);
  if (!birth || !day) return 'UNKNOWN_PERSON';
  const age = ageOn(birth, day);
  const citizen = isCitizen(person.nationality);
  if (!citizen && person.residenceCardValid !== true) return 'NO_RESIDENCE_CARD';
  if (request.by === 'GUARDIAN') {
    if (age >= MIN_ACCOUNT_AGE) return 'GUARDIAN_NOT_NEEDED';
    if (request.level !== 1) return 'TOO_YOUNG';
  } else if (age < MIN_ACCOUNT_AGE && (request.level === 1 || age < MIN_LEVEL2_AGE)) {
    return 'TOO_YOUNG';
  }
  if (citizen && age >= MIN_LEVEL2_AGE && age < MIN_ACCOUNT_AGE && person.identityCardValid !== true) {
    return 'NO_IDENTITY_CARD';
  }
  return null;
}

/** Who makes the request: the person (in the app for Level 1, in person for Level 2) or a guardian. */
export interface EligibilityRequest {
  level: 1 | 2;
  by: 'SELF' | 'GUARDIAN';
}

/** The age (whole years, Vietnam time) on `today`, or null when a date cannot be read. */
export function ageOnDay(dateOfBirth: string | Date | null | undefined, today: Date | string): number | null {
  const birth = dateOfBirth == null ? null : toYmd(dateOfBirth);
  const day = toYmd(today);
  return birth && day ? ageOn(birth, day) : null;
}

export const ELIGIBILITY_MESSAGES: Record<EligibilityCode, string> = {
  TOO_YOUNG: `Too young for this request: under ${MIN_ACCOUNT_AGE} a parent or guardian registers Level 1 through their own Level 2 account; Level 2 from age ${MIN_LEVEL2_AGE} (Decree 69/2024 Art. 7, 10)`,
  NO_IDENTITY_CARD: `Aged ${MIN_LEVEL2_AGE} to under ${MIN_ACCOUNT_AGE}: a valid identity card is needed (Decree 69/2024 Art. 7)`,
  NO_RESIDENCE_CARD: 'A foreigner needs a valid permanent or temporary residence card (Decree 69/2024 Art. 7)',
  GUARDIAN_NOT_NEEDED: `Aged ${MIN_ACCOUNT_AGE} or over: the person registers their own account`,
  DECEASED: 'The population source records this person as deceased',
  UNKNOWN_PERSON: 'The population source has no usable record of this person',
};
