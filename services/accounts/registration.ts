/** Registration (Level 1 in the app, Level 2 in person), the Level 2 upgrade, and the decision on them. */
import { notifyApproval } from './activation';
import type { AccountCommitter } from './commit';
import type { Actor, Officer, TransitionResult } from './model';
import { badReason, badRegistrationInput, merge } from './results';

/**
 * Level 1 is registered in the app by the citizen, or by their guardian for a child
 * (`guardianId`, services/accounts/guardian.ts); an automatic check approves it when the chip
 * card (or a child's identity card) was read.
 */
export async function registerLevel1(
  core: AccountCommitter,
  personalId: string,
  input: { phone: string; portraitRef: string; email?: string | null },
  guardianId?: string,
): Promise<TransitionResult> {
  const bad = badRegistrationInput(input);
  if (bad) return bad;
  const r = await core.transition(personalId, (_a, at) => ({
    type: 'REGISTER_L1',
    at,
    by: { kind: 'citizen' },
    personalId,
    ...(guardianId ? { guardianId } : {}),
    phone: input.phone,
    portraitRef: input.portraitRef,
    ...(input.email ? { email: input.email } : {}),
  }));
  if (r.userError || !r.account) return r;
  if (!r.account.hasChipCard) return r; // an officer of the area decides (7 working days)
  const approved = await decide(
    core,
    personalId,
    { kind: 'system' },
    'APPROVE',
    'automatic check against the population database',
  );
  return merge(r, approved);
}

/** An officer registers Level 2 in person (fingerprints captured). */
export async function registerLevel2(
  core: AccountCommitter,
  by: Officer,
  personalId: string,
  input: { phone: string; fingerprintsCaptured: boolean; portraitRef?: string | null; email?: string | null },
): Promise<TransitionResult> {
  const bad = badRegistrationInput(input);
  if (bad) return bad;
  return core.transition(personalId, (_a, at) => ({
    type: 'REGISTER_L2',
    at,
    by,
    personalId,
    phone: input.phone,
    fingerprintsCaptured: input.fingerprintsCaptured,
    ...(input.portraitRef ? { portraitRef: input.portraitRef } : {}),
    ...(input.email ? { email: input.email } : {}),
  }));
}

/** An officer requests the Level 2 upgrade of an ACTIVE Level 1 account in person. */
export async function upgrade(
  core: AccountCommitter,
  by: Officer,
  personalId: string,
  fingerprintsCaptured: boolean,
): Promise<TransitionResult> {
  return core.transition(personalId, (_a, at) => ({ type: 'UPGRADE_TO_L2', at, by, fingerprintsCaptured }));
}

/** Approve or reject (an officer of the area, or the system); an approval is notified at once. */
export async function decide(
  core: AccountCommitter,
  personalId: string,
  by: Actor,
  decision: 'APPROVE' | 'REJECT',
  reason?: string,
): Promise<TransitionResult> {
  const bad = badReason(reason);
  if (bad) return bad;
  const r = await core.transition(personalId, (_a, at) =>
    decision === 'APPROVE'
      ? { type: 'APPROVE', at, by, ...(reason ? { reason } : {}) }
      : { type: 'REJECT', at, by, reason: reason ?? '' },
  );
  if (r.userError || !r.account) return r;
  if (decision === 'REJECT') {
    await core.notice(r.account, 'ACCOUNT_REJECTED', { reason: reason ?? '' });
    return r;
  }
  if (r.account.status !== 'APPROVED') return r;
  return merge(r, await notifyApproval(core, personalId));
}
