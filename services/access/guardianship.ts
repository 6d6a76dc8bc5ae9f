/**
 * Guardianship for e-identity accounts (Decree 69/2024/NĐ-CP Art. 10 as summarised): a parent
 * or guardian registers and manages the Level 1 account of a child under 14 through their own
 * Level 2 account. The relation is read from the population record, never claimed: the
 * guardian's record lists the child among its dependants (CHILD or WARD), or the child's record
 * names the guardian as father or mother. The guardianship ends on the child's 14th birthday
 * (the account continues in the child's hands) or as soon as the record no longer shows it.
 */
import type { CitizenRecord } from '../../connectors/population/connector';
import type { AccountLevel, AccountStatus } from '../accounts/store';

/** What the rule reads of the guardian's own account. */
type AccountFacts = { level: AccountLevel; status: AccountStatus };

/** Under this age a guardian acts for the child (the same 14 as the accounts' own rule). */
export const GUARDIANSHIP_ENDS_AT = 14;

export type GuardianRefusal =
  /** The guardian has no ACTIVE Level 2 account. */
  | 'GUARDIAN_LEVEL_2_REQUIRED'
  /** The population record shows no such relation (or either record is missing). */
  | 'NOT_GUARDIAN'
  /** The child is 14 or over (or their date of birth cannot be read): they act themselves; or the child has died. */
  | 'GUARDIANSHIP_ENDED';

/** Whole years on `today` ("YYYY-MM-DD") of a "YYYY-MM-DD" date of birth; null if unreadable. */
function ageOn(dateOfBirth: string | null, today: string): number | null {
  const b = dateOfBirth ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth) : null;
  const t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !t) return null;
  const before = t[2] < b[2] || (t[2] === b[2] && t[3] < b[3]);
  return Number(t[1]) - Number(b[1]) - (before ? 1 : 0);
}

/** In which capacity a guardian acts: a parent, or a legal guardian (a WARD in the record). */
export type GuardianCapacity = 'PARENT' | 'LEGAL_GUARDIAN';

/**
 * The capacity in which the population record shows `guardian` for `child`, or null when it shows
 * no such relation: PARENT when the child's record names them father or mother or theirs lists the
 * child as CHILD, LEGAL_GUARDIAN when theirs lists the child as WARD.
 */
export function guardianCapacity(guardian: CitizenRecord, child: CitizenRecord): GuardianCapacity | null {
  const listed = (guardian.family.dependants ?? []).find(
    (d) => d.personalId === child.personalId && (d.relationship === 'CHILD' || d.relationship === 'WARD'),
  );
  const parent = [child.family.father, child.family.mother].some((p) => p?.personalId === guardian.personalId);
  if (parent || listed?.relationship === 'CHILD') return 'PARENT';
  return listed ? 'LEGAL_GUARDIAN' : null;
}

/** Does the population record show `guardian` as the parent or guardian of `child`? */
export function recordShowsGuardian(guardian: CitizenRecord, child: CitizenRecord): boolean {
  return guardianCapacity(guardian, child) !== null;
}

/** The day (Vietnam date, "YYYY-MM-DD") the guardianship ends: the 14th birthday; null if unreadable. */
export function guardianshipEndsOn(dateOfBirth: string | null): string | null {
  const b = dateOfBirth ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth) : null;
  if (!b) return null;
  // Born on 29 February: 14 is reached on 1 March of a common year (ageOn's reading).
  const year = String(Number(b[1]) + GUARDIANSHIP_ENDS_AT).padStart(4, '0');
  const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (b[2] === '02' && b[3] === '29' && !leap(Number(year))) return `${year}-03-01`;
  return `${year}-${b[2]}-${b[3]}`;
}

/**
 * May `guardian` act for `child`'s account on `today` (Vietnam date, "YYYY-MM-DD")? Null when
 * allowed, else the refusal. `guardianAccount` is the guardian's own account.
 */
export function guardianRefusal(
  guardianAccount: AccountFacts | null,
  guardian: CitizenRecord | null,
  child: CitizenRecord | null,
  today: string,
): GuardianRefusal | null {
  if (!guardianAccount || guardianAccount.status !== 'ACTIVE' || guardianAccount.level !== 2) {
    return 'GUARDIAN_LEVEL_2_REQUIRED';
  }
  if (!guardian || !child || guardian.vitalStatus !== 'ALIVE' || !recordShowsGuardian(guardian, child)) {
    return 'NOT_GUARDIAN';
  }
  // The guardianship ends with the child's death (Civil Code 2015 Art. 62 for a guardian, clause not confirmed;
  // representation of a minor likewise, as we read it): nothing more is done in their name.
  // Decided after the relation, so a stranger learns nothing of the child's vital status.
  if (child.vitalStatus !== 'ALIVE') return 'GUARDIANSHIP_ENDED';
  const age = ageOn(child.dateOfBirth, today);
  return age === null || age >= GUARDIANSHIP_ENDS_AT ? 'GUARDIANSHIP_ENDED' : null;
}

export const GUARDIAN_MESSAGES: Record<GuardianRefusal, string> = {
  GUARDIAN_LEVEL_2_REQUIRED:
    "A child's account is registered and managed through the guardian's own ACTIVE Level 2 account",
  NOT_GUARDIAN: 'The population record does not show you as this person’s parent or guardian',
  GUARDIANSHIP_ENDED: `The person is ${GUARDIANSHIP_ENDS_AT} or over: the account is in their own hands`,
};
