/** Locking an account (the holder, an officer, the system) on a ground, and unlocking it (an officer; the holder, of their own lock). */
import type { AccountCommitter } from './commit';
import type { Actor, TransitionResult } from './model';
import { addWorkingDays, endOfVietnamDay } from './calendar';
import { badReason, err } from './results';
import type { LockGround } from './store';

export async function lock(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  opts: { via?: 'APP' | 'HOTLINE' | 'IN_PERSON'; reason?: string | null; ground?: LockGround | null } = {},
): Promise<TransitionResult> {
  const bad = badReason(opts.reason);
  if (bad) return bad;
  const r = await core.transition(personalId, (_a, at) => ({
    type: 'LOCK',
    at,
    by,
    ...(opts.via ? { via: opts.via } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.ground ? { ground: opts.ground } : {}),
  }));
  if (!r.userError && r.account && r.account.lockReason !== 'HOLDER_DECEASED') {
    await core.notice(r.account, 'ACCOUNT_LOCKED', { reason: r.account.lockReason ?? '' });
  }
  return r;
}

/** Working days an authority's unlock request takes: 1 to forward, then 2 to decide (Decree 69/2024 as summarised). */
export const UNLOCK_REQUEST_FORWARD_DAYS = 1;
export const UNLOCK_REQUEST_DECIDE_DAYS = 2;

/** The deadlines of an authority's unlock request received at `at` (ends of Vietnam working days). */
export function unlockRequestDeadlines(core: AccountCommitter, at: Date): { forwardDueAt: Date; dueAt: Date } {
  const cal = core.deps.calendar;
  return {
    forwardDueAt: endOfVietnamDay(addWorkingDays(at, UNLOCK_REQUEST_FORWARD_DAYS, cal)),
    dueAt: endOfVietnamDay(addWorkingDays(at, UNLOCK_REQUEST_FORWARD_DAYS + UNLOCK_REQUEST_DECIDE_DAYS, cal)),
  };
}

/** An officer records a competent authority's request to unlock a LOCKED account, with its deadlines. */
export async function requestUnlock(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  authority: string,
  reason?: string | null,
): Promise<TransitionResult> {
  const bad = badReason(reason);
  if (bad) return bad;
  const name = authority.trim();
  if (!name || name.length > 200) return err('INVALID_INPUT', 'Name the authority that asked (1 to 200 characters)');
  return core.transition(personalId, (_a, at) => ({
    type: 'UNLOCK_REQUEST',
    at,
    by,
    authority: name,
    ...unlockRequestDeadlines(core, at),
    ...(reason ? { reason } : {}),
  }));
}

/** An officer unlocks on the authority's recorded request (no proof of ownership: the authority's request is the basis). */
export function unlockAtAuthorityRequest(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  reason?: string | null,
): Promise<TransitionResult> {
  return unlock(core, by, personalId, false, reason, true);
}

/** An officer refuses the authority's pending unlock request, with a reason; the account stays LOCKED. */
export async function refuseUnlockRequest(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  reason: string,
): Promise<TransitionResult> {
  const bad = badReason(reason);
  if (bad) return bad;
  return core.transition(personalId, (_a, at) => ({ type: 'UNLOCK_REQUEST_REFUSE', at, by, reason }));
}

export async function unlock(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  ownershipVerified: boolean,
  reason?: string | null,
  /** On an authority's recorded request (unlockAtAuthorityRequest). */
  authorityRequest = false,
): Promise<TransitionResult> {
  const bad = badReason(reason);
  if (bad) return bad;
  return core.transition(personalId, (_a, at) => ({
    type: 'UNLOCK',
    at,
    by,
    ownershipVerified,
    ...(authorityRequest ? { authorityRequest: true } : {}),
    ...(reason ? { reason } : {}),
  }));
}
