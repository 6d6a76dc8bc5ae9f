/**
 * A parent or guardian registers a child's Level 1 account through their own Level 2 account,
 * and reads it while the guardianship lasts (services/access/guardianship.ts; Decree 69/2024
 * Art. 10 as summarised).
 */
import {
  guardianCapacity,
  guardianRefusal,
  guardianshipEndsOn,
  GUARDIAN_MESSAGES,
  type GuardianCapacity,
  type GuardianRefusal,
} from '../access/guardianship';
import type { Guardianship } from '../access/policy';
import { vietnamDate } from './calendar';
import type { AccountCommitter } from './commit';
import type { StoredAccount, TransitionResult } from './model';
import { badRegistrationInput, err } from './results';
import { registerLevel1 } from './registration';

/**
 * May `guardianId` act for `childId` now (their own account as last committed, both population
 * records, today's Vietnam date)? The refusal, or the capacity the record shows.
 */
export async function guardianship(core: AccountCommitter, guardianId: string, childId: string): Promise<Guardianship> {
  const [own, guardian, child] = await Promise.all([
    core.get(guardianId),
    core.deps.population(guardianId),
    core.deps.population(childId),
  ]);
  const refusal = guardianRefusal(own, guardian, child, vietnamDate(core.now()));
  if (refusal) return { refusal };
  // guardianRefusal found the relation: the capacity is there.
  return { refusal: null, capacity: guardianCapacity(guardian!, child!)! };
}

/** A child the guardian acts for now (`myWards`). */
export interface WardView {
  personalId: string;
  fullName: string | null;
  dateOfBirth: string | null;
  capacity: GuardianCapacity;
  guardianshipEndsOn: string | null;
  account: StoredAccount | null;
}

/**
 * The children `guardianId` acts for now: the CHILD and WARD dependants of their own population
 * record for whom the guardianship holds (under 14); GUARDIAN_LEVEL_2_REQUIRED without an ACTIVE
 * Level 2 account. At most {@link MAX_WARDS} dependants are looked at.
 */
export async function wards(
  core: AccountCommitter,
  guardianId: string,
): Promise<{ refusal: GuardianRefusal; wards?: undefined } | { refusal: null; wards: WardView[] }> {
  const [own, guardian] = await Promise.all([core.get(guardianId), core.deps.population(guardianId)]);
  if (!own || own.status !== 'ACTIVE' || own.level !== 2) return { refusal: 'GUARDIAN_LEVEL_2_REQUIRED' };
  const ids = [
    ...new Set(
      (guardian?.family.dependants ?? [])
        .filter((d) => d.relationship === 'CHILD' || d.relationship === 'WARD')
        .map((d) => d.personalId)
        .filter((id): id is string => !!id),
    ),
  ].slice(0, MAX_WARDS);
  const today = vietnamDate(core.now());
  const found = await Promise.all(
    ids.map(async (id): Promise<WardView | null> => {
      const child = await core.deps.population(id);
      if (guardianRefusal(own, guardian, child, today) !== null) return null;
      return {
        personalId: id,
        fullName: child!.fullName,
        dateOfBirth: child!.dateOfBirth,
        capacity: guardianCapacity(guardian!, child!)!,
        guardianshipEndsOn: guardianshipEndsOn(child!.dateOfBirth),
        account: await core.get(id),
      };
    }),
  );
  return { refusal: null, wards: found.filter((w): w is WardView => w !== null) };
}

/** Dependants a `myWards` answer looks at (a population record lists a handful). */
export const MAX_WARDS = 50;

/** Null when `guardianId` may act for `childId` now, else the refusal as a result. */
export async function checkGuardian(
  core: AccountCommitter,
  guardianId: string,
  childId: string,
): Promise<TransitionResult | null> {
  const { refusal } = await guardianship(core, guardianId, childId);
  return refusal ? err(refusal, GUARDIAN_MESSAGES[refusal]) : null;
}

/** The guardian registers the child's Level 1 account; approved at once when the child's identity card is valid. */
export async function registerChildLevel1(
  core: AccountCommitter,
  guardianId: string,
  childId: string,
  input: { phone: string; portraitRef: string; email?: string | null },
): Promise<TransitionResult> {
  const bad = badRegistrationInput(input);
  if (bad) return bad;
  const refused = await checkGuardian(core, guardianId, childId);
  if (refused) return refused;
  return registerLevel1(core, childId, input, guardianId);
}

/** The child's account for the guardian, or the refusal. */
export async function childAccount(
  core: AccountCommitter,
  guardianId: string,
  childId: string,
): Promise<{ account: StoredAccount | null; refusal: TransitionResult | null }> {
  const refused = await checkGuardian(core, guardianId, childId);
  if (refused) return { account: null, refusal: refused };
  return { account: await core.get(childId), refusal: null };
}
