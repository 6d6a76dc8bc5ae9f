/**
 * The account service: the operations on e-identity accounts that the resolvers, the sweeps
 * and the tools call. Each operation is in the file of its concern and commits through
 * `AccountCommitter` (commit.ts: read, apply the lifecycle, compare-and-set commit):
 *
 * - registration.ts: registration (Level 1, Level 2), the Level 2 upgrade, approval/rejection;
 * - activation.ts: the approval notice and its code, new codes, activation, reopening;
 * - locks.ts: lock and unlock;
 * - phone-change.ts: the holder's code to a new number, and the change itself;
 * - codes.ts: the one-time codes; results.ts: input refusals and answers.
 */
import { activate, notifyApproval, reopen, resendActivationCode } from './activation';
import type { HolidayCalendar } from './calendar';
import { AccountCommitter, type AccountServiceDeps } from './commit';
import { childAccount, guardianship, registerChildLevel1, wards } from './guardian';
import type { Guardianship } from '../access/policy';
import { lock, refuseUnlockRequest, requestUnlock, unlock, unlockAtAuthorityRequest } from './locks';
import type { Actor, BeforeCommit, MakeEvent, Officer, StoredAccount, TransitionResult } from './model';
import { changePhone, startPhoneChange } from './phone-change';
import { decide, registerLevel1, registerLevel2, upgrade } from './registration';

export class AccountService {
  private readonly core: AccountCommitter;

  constructor(deps: AccountServiceDeps) {
    this.core = new AccountCommitter(deps);
  }

  /** The `accounts` collection. */
  get accounts() {
    return this.core.accounts;
  }

  /** The `accountEvents` collection (every committed step). */
  get events() {
    return this.core.events;
  }

  get calendar(): HolidayCalendar {
    return this.core.deps.calendar;
  }

  /** The account as last committed (rolled forward from `accountEvents` when behind). */
  async get(personalId: string): Promise<StoredAccount | null> {
    return this.core.get(personalId);
  }

  /** The approval deadline (end of the last working day) for a request received at `at`. */
  approvalDueAt(at: Date, level: 1 | 2, hasChipCard: boolean): Date {
    return this.core.approvalDueAt(at, level, hasChipCard);
  }

  /** Applies one event to a person's account and commits it (commit.ts). */
  async transition(personalId: string, makeEvent: MakeEvent, extra?: BeforeCommit): Promise<TransitionResult> {
    return this.core.transition(personalId, makeEvent, extra);
  }

  registerLevel1(
    personalId: string,
    input: { phone: string; portraitRef: string; email?: string | null },
  ): Promise<TransitionResult> {
    return registerLevel1(this.core, personalId, input);
  }

  /** A parent or guardian (Level 2) registers a child's Level 1 account (guardian.ts). */
  registerChildLevel1(
    guardianId: string,
    childId: string,
    input: { phone: string; portraitRef: string; email?: string | null },
  ): Promise<TransitionResult> {
    return registerChildLevel1(this.core, guardianId, childId, input);
  }

  /** The child's account for a parent or guardian while the guardianship lasts (guardian.ts). */
  async childAccount(guardianId: string, childId: string): Promise<TransitionResult> {
    const { account, refusal } = await childAccount(this.core, guardianId, childId);
    return refusal ?? { account, userError: null, changes: [] };
  }

  /** May a parent or guardian act for the child now (guardian.ts)? The refusal, or their capacity. */
  guardianship(guardianId: string, childId: string): Promise<Guardianship> {
    return guardianship(this.core, guardianId, childId);
  }

  /** The children a parent or guardian acts for now (guardian.ts). */
  wards(guardianId: string): ReturnType<typeof wards> {
    return wards(this.core, guardianId);
  }

  registerLevel2(
    by: Officer,
    personalId: string,
    input: { phone: string; fingerprintsCaptured: boolean; portraitRef?: string | null; email?: string | null },
  ): Promise<TransitionResult> {
    return registerLevel2(this.core, by, personalId, input);
  }

  upgrade(by: Officer, personalId: string, fingerprintsCaptured: boolean): Promise<TransitionResult> {
    return upgrade(this.core, by, personalId, fingerprintsCaptured);
  }

  decide(personalId: string, by: Actor, decision: 'APPROVE' | 'REJECT', reason?: string): Promise<TransitionResult> {
    return decide(this.core, personalId, by, decision, reason);
  }

  notifyApproval(personalId: string): Promise<TransitionResult> {
    return notifyApproval(this.core, personalId);
  }

  resendActivationCode(personalId: string): Promise<TransitionResult> {
    return resendActivationCode(this.core, personalId);
  }

  activate(personalId: string, code: string): Promise<TransitionResult> {
    return activate(this.core, personalId, code);
  }

  reopen(by: Actor, personalId: string): Promise<TransitionResult> {
    return reopen(this.core, by, personalId);
  }

  lock(by: Actor, personalId: string, opts: Parameters<typeof lock>[3] = {}): Promise<TransitionResult> {
    return lock(this.core, by, personalId, opts);
  }

  unlock(by: Actor, personalId: string, ownershipVerified: boolean, reason?: string | null): Promise<TransitionResult> {
    return unlock(this.core, by, personalId, ownershipVerified, reason);
  }

  /** An officer records an authority's unlock request (locks.ts). */
  requestUnlock(by: Actor, personalId: string, authority: string, reason?: string | null): Promise<TransitionResult> {
    return requestUnlock(this.core, by, personalId, authority, reason);
  }

  /** An officer unlocks on the authority's recorded request (locks.ts). */
  unlockAtAuthorityRequest(by: Actor, personalId: string, reason?: string | null): Promise<TransitionResult> {
    return unlockAtAuthorityRequest(this.core, by, personalId, reason);
  }

  /** An officer refuses the authority's unlock request (locks.ts). */
  refuseUnlockRequest(by: Actor, personalId: string, reason: string): Promise<TransitionResult> {
    return refuseUnlockRequest(this.core, by, personalId, reason);
  }

  startPhoneChange(personalId: string, rawPhone: string): Promise<TransitionResult> {
    return startPhoneChange(this.core, personalId, rawPhone);
  }

  changePhone(by: Actor, personalId: string, rawPhone: string, code?: string | null): Promise<TransitionResult> {
    return changePhone(this.core, by, personalId, rawPhone, code);
  }
}
