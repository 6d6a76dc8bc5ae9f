/** Locking an account (the holder, an officer, the system) on a ground, and unlocking it (an officer; the holder, of their own lock). */
import type { AccountCommitter } from './commit';
import type { Actor, TransitionResult } from './model';
import { badReason } from './results';
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

export async function unlock(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  ownershipVerified: boolean,
  reason?: string | null,
): Promise<TransitionResult> {
  const bad = badReason(reason);
  if (bad) return bad;
  return core.transition(personalId, (_a, at) => ({
    type: 'UNLOCK',
    at,
    by,
    ownershipVerified,
    ...(reason ? { reason } : {}),
  }));
}
