/**
 * The guards of the lifecycle's moves: for an event the table allows (table.ts), who may do it
 * and under which conditions, and the account it leaves (before the machine stamps the status,
 * the time and the history: machine.ts). One guard per event; each returns the next account (a
 * copy) or a refusal with a code.
 */
import { ACTIVATION_WINDOW_DAYS, activationDeadline } from '../calendar';
import type {
  AccountEvent,
  EligibilityPerson,
  Actor,
  EventOf,
  LifecycleAccount,
  LifecycleContext,
  LifecycleErrorCode,
  LifecycleUserError,
  LockReason,
} from '../model';
import type { LockGround } from '../store';
import {
  unlockRequestPending,
  type AccountDoc,
  type AccountGroup,
  type AccountLevel,
  type UnlockRequest,
} from '../store';
import {
  ELIGIBILITY_MESSAGES,
  MIN_ACCOUNT_AGE,
  MIN_LEVEL2_AGE,
  ageOnDay,
  checkEligibility,
  isCitizen,
} from './eligibility';
import { INVALID_PHONE_MESSAGE, normalizePhone } from './phone';

export type Failure = { ok: false; userError: LifecycleUserError };
type Step = { ok: true; account: LifecycleAccount } | Failure;

export function fail(code: LifecycleErrorCode, message: string): Failure {
  return { ok: false, userError: { code, message } };
}

/** The history's `by`: "citizen", "officer:<id>", "system". */
export function actorLabel(by: Actor): string {
  return by.kind === 'officer' ? `officer:${by.id}` : by.kind;
}

export function lockReasonOf(by: Actor): LockReason {
  return by.kind === 'citizen' ? 'HOLDER' : by.kind === 'officer' ? 'OFFICER' : 'ID_CARD_EXPIRED';
}

function notPermitted(event: AccountEvent, who: string): Failure {
  return fail('NOT_PERMITTED', `${event.type} may be done by ${who} only, not by ${actorLabel(event.by)}`);
}

function covers(by: Extract<Actor, { kind: 'officer' }>, area: AccountDoc['area']): boolean {
  if (by.area.province !== area.province) return false;
  return by.area.commune === undefined || by.area.commune === area.commune;
}

/** NOT_PERMITTED / OUT_OF_JURISDICTION unless an officer of the account's area (or the system, when allowed). */
function checkAreaOfficer(event: AccountEvent, account: LifecycleAccount, systemToo: boolean): Failure | null {
  const by = event.by;
  if (by.kind === 'system' && systemToo) return null;
  if (by.kind !== 'officer')
    return notPermitted(event, systemToo ? 'an officer of the area or the system' : 'an officer');
  if (!covers(by, account.area)) {
    return fail(
      'OUT_OF_JURISDICTION',
      `Officer ${by.id} (${by.area.commune ?? by.area.province}) is not of the account's area (${account.area.commune})`,
    );
  }
  return null;
}

function omit(account: LifecycleAccount, ...keys: (keyof LifecycleAccount)[]): LifecycleAccount {
  const copy = { ...account };
  for (const k of keys) delete copy[k];
  return copy;
}

/**
 * The guard of a move the table allows. `current` is null only for a registration (the table
 * allows no other move from NONE).
 */
export function guardAndUpdate(current: LifecycleAccount | null, event: AccountEvent, ctx: LifecycleContext): Step {
  switch (event.type) {
    case 'REGISTER_L1':
    case 'REGISTER_L2':
      return register(current, event, ctx);
    case 'UPGRADE_TO_L2':
      return upgrade(current!, event, ctx);
    case 'APPROVE':
    case 'REJECT':
      return decide(current!, event);
    case 'NOTIFY':
      return notify(current!, event);
    case 'ACTIVATE':
      return activate(current!, event);
    case 'EXPIRE_ACTIVATION':
      return expireActivation(current!, event);
    case 'REOPEN':
      return reopen(current!, event, ctx);
    case 'LOCK':
      return lock(current!, event, ctx);
    case 'UNLOCK':
      return unlock(current!, event, ctx);
    case 'UNLOCK_REQUEST':
      return unlockRequest(current!, event);
    case 'UNLOCK_REQUEST_REFUSE':
      return refuseUnlockRequest(current!, event);
    case 'PHONE_CHANGE':
      return changePhone(current!, event);
  }
}

function register(
  current: LifecycleAccount | null,
  event: EventOf<'REGISTER_L1' | 'REGISTER_L2'>,
  ctx: LifecycleContext,
): Step {
  const at = event.at;
  if (event.type === 'REGISTER_L1' && event.by.kind !== 'citizen') return notPermitted(event, 'the citizen (app)');
  if (event.type === 'REGISTER_L2') {
    if (event.by.kind !== 'officer') return notPermitted(event, 'an officer (in person)');
    if (event.fingerprintsCaptured !== true) {
      return fail('FINGERPRINTS_REQUIRED', 'Level 2 needs the fingerprints captured in person');
    }
  }
  const code = checkEligibility(ctx.person, ctx.today ?? at, {
    level: event.type === 'REGISTER_L1' ? 1 : 2,
    by: event.type === 'REGISTER_L1' && event.guardianId ? 'GUARDIAN' : 'SELF',
  });
  if (code) return fail(`NOT_ELIGIBLE_${code}`, ELIGIBILITY_MESSAGES[code]);
  const area = ctx.person?.area;
  if (!area) return fail('AREA_UNKNOWN', "The population source has no known area for this person's residence");
  const phone = normalizePhone(event.phone);
  if (!phone) return fail('INVALID_PHONE', INVALID_PHONE_MESSAGE);
  const level: AccountLevel = event.type === 'REGISTER_L1' ? 1 : 2;
  const portraitRef = event.portraitRef ?? current?.portraitRef;
  const next: LifecycleAccount = {
    _id: current?._id ?? event.personalId,
    level,
    status: 'PENDING',
    phone,
    area: { province: area.province, commune: area.commune },
    hasChipCard: ctx.person?.hasChipCard ?? current?.hasChipCard ?? false,
    registeredAt: at,
    history: current?.history ?? [],
    updatedAt: at,
  };
  if (event.email) next.email = event.email;
  if (event.type === 'REGISTER_L1' && event.guardianId) next.guardianId = event.guardianId;
  const groups = groupsOf(ctx.person!, ctx.today ?? at, !!next.guardianId);
  if (groups.length) next.groups = groups;
  if (portraitRef) next.portraitRef = portraitRef;
  if (level === 2) next.fingerprintsCapturedAt = at;
  if (ctx.approvalDueAt) next.approvalDueAt = ctx.approvalDueAt;
  return { ok: true, account: next };
}

/** The report groups of a registration (the person is eligible: checked before). */
function groupsOf(person: EligibilityPerson, today: Date | string, byGuardian: boolean): AccountGroup[] {
  const out: AccountGroup[] = [];
  const age = ageOnDay(person.dateOfBirth, today) ?? MIN_ACCOUNT_AGE;
  if (!isCitizen(person.nationality)) out.push('FOREIGNER');
  else if (age < MIN_LEVEL2_AGE) out.push('CHILD_UNDER_6');
  else if (age < MIN_ACCOUNT_AGE) out.push('CHILD_6_14');
  if (byGuardian) out.push('GUARDIAN_REGISTERED');
  return out;
}

function upgrade(account: LifecycleAccount, event: EventOf<'UPGRADE_TO_L2'>, ctx: LifecycleContext): Step {
  if (event.by.kind !== 'officer') return notPermitted(event, 'an officer (in person)');
  if (account.level === 2) return fail('LEVEL_ALREADY_2', 'The account is already Level 2');
  if (account.pendingLevel === 2) return fail('UPGRADE_ALREADY_PENDING', 'A Level 2 upgrade is already pending');
  if (event.fingerprintsCaptured !== true) {
    return fail('FINGERPRINTS_REQUIRED', 'Level 2 needs the fingerprints captured in person');
  }
  // The same rule as a Level 2 registration (Decree 69 Art. 7): from 6, with a valid identity or
  // residence card. Judged when the population record is given (the account service always gives it).
  if (ctx.person && 'vitalStatus' in ctx.person) {
    const code = checkEligibility(ctx.person, ctx.today ?? event.at, { level: 2, by: 'SELF' });
    if (code) return fail(`NOT_ELIGIBLE_${code}`, ELIGIBILITY_MESSAGES[code]);
  }
  const next: LifecycleAccount = {
    ...account,
    pendingLevel: 2,
    upgradeRequestedAt: event.at,
    fingerprintsCapturedAt: event.at,
  };
  if (ctx.approvalDueAt) next.approvalDueAt = ctx.approvalDueAt;
  if (ctx.person?.hasChipCard !== undefined) next.hasChipCard = ctx.person.hasChipCard;
  return { ok: true, account: next };
}

/** APPROVE / REJECT: of a pending registration, or (ACTIVE, LOCKED) of a pending Level 2 upgrade. */
function decide(account: LifecycleAccount, event: EventOf<'APPROVE' | 'REJECT'>): Step {
  const denied = checkAreaOfficer(event, account, true);
  if (denied) return denied;
  if (event.type === 'REJECT' && !event.reason?.trim()) {
    return fail('REASON_REQUIRED', 'A rejection must give the reason');
  }
  if (account.status === 'PENDING') {
    return event.type === 'APPROVE'
      ? { ok: true, account: { ...account, approvedAt: event.at } }
      : { ok: true, account: { ...account, rejectedAt: event.at } };
  }
  // ACTIVE or LOCKED: the decision on a pending Level 2 upgrade.
  if (account.pendingLevel !== 2) return fail('NO_PENDING_UPGRADE', `No Level 2 upgrade awaits a decision`);
  const next = omit(account, 'pendingLevel');
  if (event.type === 'APPROVE') next.level = 2;
  return { ok: true, account: next };
}

function notify(account: LifecycleAccount, event: EventOf<'NOTIFY'>): Step {
  if (event.by.kind !== 'system') return notPermitted(event, 'the system (notifier)');
  if (account.notifiedAt) {
    return fail(
      'ALREADY_NOTIFIED',
      'The citizen was already notified; only an officer can restart the window (REOPEN)',
    );
  }
  return { ok: true, account: { ...account, notifiedAt: event.at, notifyChannel: event.channel } };
}

function activate(account: LifecycleAccount, event: EventOf<'ACTIVATE'>): Step {
  if (event.by.kind !== 'citizen') return notPermitted(event, 'the citizen (one-time code)');
  if (!account.notifiedAt) return fail('NOT_NOTIFIED', 'The citizen has not been notified yet');
  if (event.at.getTime() > activationDeadline(account.notifiedAt).getTime()) {
    return fail(
      'ACTIVATION_WINDOW_CLOSED',
      `The ${ACTIVATION_WINDOW_DAYS}-day activation window closed on ${activationDeadline(account.notifiedAt).toISOString()}; an officer must reopen the account`,
    );
  }
  return { ok: true, account: { ...account, activatedAt: event.at } };
}

function expireActivation(account: LifecycleAccount, event: EventOf<'EXPIRE_ACTIVATION'>): Step {
  if (event.by.kind !== 'system') return notPermitted(event, 'the system (sweep)');
  if (!account.notifiedAt) return fail('NOT_NOTIFIED', 'The window has not started: the citizen was never notified');
  if (event.at.getTime() <= activationDeadline(account.notifiedAt).getTime()) {
    return fail('ACTIVATION_WINDOW_OPEN', 'The activation window is still open');
  }
  return { ok: true, account: { ...account } };
}

function reopen(account: LifecycleAccount, event: EventOf<'REOPEN'>, ctx: LifecycleContext): Step {
  const denied = checkAreaOfficer(event, account, false);
  if (denied) return denied;
  if (
    account.status === 'APPROVED' &&
    account.notifiedAt &&
    event.at <= activationDeadline(account.notifiedAt) &&
    !ctx.activationCodesExhausted
  ) {
    return fail('ACTIVATION_WINDOW_OPEN', 'The activation window is still open: the citizen can activate');
  }
  return { ok: true, account: { ...omit(account, 'notifiedAt', 'notifyChannel'), reopenedAt: event.at } };
}

/** The grounds each actor may lock on (Decree 69/2024 as summarised; docs/accounts.md). */
const GROUNDS_BY: Record<Actor['kind'], readonly LockGround[]> = {
  citizen: ['HOLDER_REQUEST'],
  officer: ['HOLDER_REQUEST', 'TERMS_BREACH', 'CARD_REVOKED', 'AUTHORITY_REQUEST'],
  system: ['ID_CARD_EXPIRED', 'DECEASED'],
};

/** The lock's ground: the event's, or the actor's default; null when the actor may not use it. */
function lockGroundOf(event: EventOf<'LOCK'>, ctx: LifecycleContext): LockGround | null {
  if (event.by.kind === 'system') return ctx.holderDeceased ? 'DECEASED' : 'ID_CARD_EXPIRED';
  const ground = event.ground ?? 'HOLDER_REQUEST';
  return GROUNDS_BY[event.by.kind].includes(ground) ? ground : null;
}

function lock(account: LifecycleAccount, event: EventOf<'LOCK'>, ctx: LifecycleContext): Step {
  const reason: LockReason =
    event.by.kind === 'system' && ctx.holderDeceased ? 'HOLDER_DECEASED' : lockReasonOf(event.by);
  const lockGround = lockGroundOf(event, ctx);
  if (!lockGround) {
    return fail(
      'LOCK_GROUND_NOT_ALLOWED',
      `${actorLabel(event.by)} may lock on ${GROUNDS_BY[event.by.kind].join(', ')} only, not ${event.ground ?? ''}`,
    );
  }
  if (event.by.kind === 'system' && ctx.idCardValid !== false && !ctx.holderDeceased) {
    return fail(
      'ID_CARD_NOT_EXPIRED',
      'The system locks only when the chip ID card has expired or the holder has died',
    );
  }
  if (account.status === 'LOCKED') {
    // Only the system's locks supersede an existing lock (so unlocking then needs a valid card / is refused).
    if (event.by.kind !== 'system') return fail('ALREADY_LOCKED', 'The account is already locked');
    if (account.lockReason === 'HOLDER_DECEASED' || account.lockReason === reason) {
      return fail('ALREADY_LOCKED', `The account is already locked (${account.lockReason})`);
    }
    return { ok: true, account: { ...account, lockReason: reason, lockGround } };
  }
  return { ok: true, account: { ...account, lockedAt: event.at, lockReason: reason, lockGround } };
}

/**
 * UNLOCK: an officer of the area, once the holder proved ownership; or the holder in the app
 * (signed in: ownership proved), at once, of a lock on their own request (Decree 69/2024 as
 * summarised). A lock on another ground is lifted by an officer only.
 */
function unlock(account: LifecycleAccount, event: EventOf<'UNLOCK'>, ctx: LifecycleContext): Step {
  if (event.by.kind === 'citizen') {
    const ground = account.lockGround ?? (account.lockReason === 'HOLDER' ? 'HOLDER_REQUEST' : undefined);
    if (ground !== 'HOLDER_REQUEST') {
      return fail(
        'NOT_PERMITTED',
        `Only a lock the holder asked for can be lifted in the app (this one: ${ground ?? account.lockReason ?? ''}); ask an officer`,
      );
    }
  } else if (event.by.kind !== 'officer') return notPermitted(event, 'an officer or the holder');
  if (account.lockReason === 'HOLDER_DECEASED') {
    return fail('HOLDER_DECEASED', 'The population source records the holder as deceased');
  }
  if (event.authorityRequest === true) {
    if (event.by.kind !== 'officer') return notPermitted(event, 'an officer');
    if (!unlockRequestPending(account.unlockRequest)) {
      return fail('NO_UNLOCK_REQUEST', "No authority's unlock request awaits a decision");
    }
  } else if (event.ownershipVerified !== true) {
    return fail('OWNERSHIP_NOT_VERIFIED', 'The holder must prove ownership (hotline or in person) before unlocking');
  }
  if (account.lockReason === 'ID_CARD_EXPIRED' ? ctx.idCardValid !== true : ctx.idCardValid === false) {
    return fail('ID_CARD_STILL_EXPIRED', 'The chip ID card is still expired: renew it before unlocking');
  }
  const unlocked = omit(account, 'lockedAt', 'lockReason', 'lockGround');
  if (event.authorityRequest === true) {
    unlocked.unlockRequest = decided(account.unlockRequest!, 'COMPLETED', event);
  } else if (unlockRequestPending(account.unlockRequest)) {
    // Unlocked on another ground (the holder, ownership proved): the authority's request is moot.
    delete unlocked.unlockRequest;
  }
  return { ok: true, account: unlocked };
}

const decided = (r: UnlockRequest, status: 'COMPLETED' | 'REFUSED', event: { at: Date; by: Actor }): UnlockRequest => ({
  ...r,
  status,
  decidedAt: event.at,
  decidedBy: actorLabel(event.by),
});

/** UNLOCK_REQUEST_REFUSE: an officer refuses the pending request, with a reason; the account stays LOCKED. */
function refuseUnlockRequest(account: LifecycleAccount, event: EventOf<'UNLOCK_REQUEST_REFUSE'>): Step {
  if (event.by.kind !== 'officer') return notPermitted(event, 'an officer');
  if (!unlockRequestPending(account.unlockRequest)) {
    return fail('NO_UNLOCK_REQUEST', "No authority's unlock request awaits a decision");
  }
  if (!event.reason?.trim()) return fail('REASON_REQUIRED', 'A refusal needs a reason');
  return { ok: true, account: { ...account, unlockRequest: decided(account.unlockRequest, 'REFUSED', event) } };
}

/**
 * UNLOCK_REQUEST: an officer records a competent authority's request to unlock, with its
 * deadlines (1 working day to forward, 2 more to decide: Decree 69/2024 as summarised); the
 * account stays LOCKED until an officer completes it (UNLOCK with `authorityRequest`).
 */
function unlockRequest(account: LifecycleAccount, event: EventOf<'UNLOCK_REQUEST'>): Step {
  if (event.by.kind !== 'officer') return notPermitted(event, 'an officer');
  if (account.lockReason === 'HOLDER_DECEASED') {
    return fail('HOLDER_DECEASED', 'The population source records the holder as deceased');
  }
  if (unlockRequestPending(account.unlockRequest)) {
    return fail(
      'UNLOCK_REQUEST_PENDING',
      `An authority's unlock request is already recorded (due ${account.unlockRequest.dueAt.toISOString()})`,
    );
  }
  const unlockRequest: UnlockRequest = {
    status: 'PENDING',
    authority: event.authority,
    receivedAt: event.at,
    forwardDueAt: event.forwardDueAt,
    dueAt: event.dueAt,
    by: actorLabel(event.by),
  };
  return { ok: true, account: { ...account, unlockRequest } };
}

function changePhone(account: LifecycleAccount, event: EventOf<'PHONE_CHANGE'>): Step {
  if (event.by.kind === 'system') return notPermitted(event, 'an officer in person or the holder online');
  if (event.by.kind === 'citizen') {
    if (account.status !== 'ACTIVE') {
      return fail('NOT_PERMITTED', `Online phone change needs an ACTIVE account (this one is ${account.status})`);
    }
    if (event.verificationCodeConfirmed !== true) {
      return fail('PHONE_NOT_VERIFIED', 'Confirm the verification code sent to the new number');
    }
  }
  const phone = normalizePhone(event.phone);
  if (!phone) return fail('INVALID_PHONE', INVALID_PHONE_MESSAGE);
  if (phone === account.phone) return fail('PHONE_UNCHANGED', 'The new number is the current one');
  return { ok: true, account: { ...account, phone, phoneChangedAt: event.at } };
}
