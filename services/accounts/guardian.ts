/**
 * A parent or guardian registers a child's Level 1 account through their own Level 2 account,
 * and reads it while the guardianship lasts (services/access/guardianship.ts; Decree 69/2024
 * Art. 10 as summarised).
 */
import { guardianCapacity, guardianRefusal, GUARDIAN_MESSAGES } from '../access/guardianship';
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
