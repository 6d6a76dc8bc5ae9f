/**
 * The accounts module's shared types: the lifecycle's events, context and answers
 * (lifecycle/), and the service's stored account, one-time codes and results (service.ts and
 * the operations beside it). The stored document's own shape is store.ts's `AccountDoc`.
 */
import type { NotifyChannel } from './notifier';
import type { AccountDoc, AccountEventType, AccountHistoryEntry, AccountStatus, LockGround } from './store';

// ---------------------------------------------------------------------------------------------
// The lifecycle (a pure state machine: lifecycle/machine.ts)
// ---------------------------------------------------------------------------------------------

/** Who acts. An officer's `area` is a province, or one commune/ward of it (today's codes). */
export type Actor =
  | { kind: 'citizen' }
  | { kind: 'officer'; id: string; area: { province: string; commune?: string } }
  | { kind: 'system' };

export type Officer = Extract<Actor, { kind: 'officer' }>;

interface EventBase {
  at: Date;
  by: Actor;
  reason?: string;
}

export type LockReason = NonNullable<AccountDoc['lockReason']>;

export type AccountEvent =
  /** The citizen, in the app. */
  | (EventBase & {
      type: 'REGISTER_L1';
      personalId: string;
      phone: string;
      portraitRef: string;
      email?: string;
      /** A parent or guardian registers a child's account (services/accounts/guardian.ts). */
      guardianId?: string;
    })
  /** An officer, in person, with fingerprints captured. */
  | (EventBase & {
      type: 'REGISTER_L2';
      personalId: string;
      phone: string;
      fingerprintsCaptured: boolean;
      portraitRef?: string;
      email?: string;
    })
  /** An officer, in person, for an ACTIVE Level 1 account; the Level 2 request then awaits approval. */
  | (EventBase & { type: 'UPGRADE_TO_L2'; fingerprintsCaptured: boolean })
  /** An officer of the area, or the system (automatic check against the population source). */
  | (EventBase & { type: 'APPROVE' })
  /** As APPROVE; a reason is required. */
  | (EventBase & { type: 'REJECT'; reason: string })
  /** The system, after sending the notice: the 7-day activation window starts. */
  | (EventBase & { type: 'NOTIFY'; channel: NotifyChannel })
  /** The citizen, with a one-time code the caller has verified. */
  | (EventBase & { type: 'ACTIVATE' })
  /** The system sweep, once the activation window has closed. */
  | (EventBase & { type: 'EXPIRE_ACTIVATION' })
  /** An officer of the area; a new notice (NOTIFY) starts a new window. */
  | (EventBase & { type: 'REOPEN' })
  /** The holder (app), an officer (hotline or in person), or the system (chip ID card expired). */
  | (EventBase & { type: 'LOCK'; via?: 'APP' | 'HOTLINE' | 'IN_PERSON'; ground?: LockGround })
  /** An officer, after the holder proved ownership; or the holder in the app, of a lock they asked for. */
  | (EventBase & {
      type: 'UNLOCK';
      ownershipVerified: boolean;
      /** An officer completes the authority's recorded unlock request (`unlockRequest`) instead. */
      authorityRequest?: boolean;
    })
  /**
   * An officer records a competent authority's request to unlock (Decree 69/2024 as summarised:
   * 1 working day to forward, 2 to decide); the deadlines are computed by the service.
   */
  | (EventBase & { type: 'UNLOCK_REQUEST'; authority: string; forwardDueAt: Date; dueAt: Date })
  /** An officer refuses the authority's pending unlock request (a reason is required); the account stays LOCKED. */
  | (EventBase & { type: 'UNLOCK_REQUEST_REFUSE'; reason: string })
  /** An officer in person, or the holder online with a code confirmed on the new number. */
  | (EventBase & { type: 'PHONE_CHANGE'; phone: string; verificationCodeConfirmed?: boolean });

export type EventType = AccountEvent['type'];
// The store's list of event names and the machine's events are the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameEvents: Same<EventType, AccountEventType> = true;
void _sameEvents;
export type EventOf<T extends EventType> = Extract<AccountEvent, { type: T }>;

/** The states of the machine: the store's statuses, plus NONE for "no account yet". */
export type AccountState = 'NONE' | AccountStatus;

/** The account as the lifecycle keeps it: the store's `AccountDoc` plus optional fields. */
export interface LifecycleAccount extends AccountDoc {
  upgradeRequestedAt?: Date;
  portraitRef?: string;
  fingerprintsCapturedAt?: Date;
  rejectedAt?: Date;
  notifyChannel?: NotifyChannel;
  reopenedAt?: Date;
  phoneChangedAt?: Date;
}

export interface LifecycleHistoryEntry extends AccountHistoryEntry {
  event: EventType;
}

/** The population record as far as eligibility needs it. `dateOfBirth`: "YYYY-MM-DD" (or "YYYY-MM", "YYYY"). */
export interface EligibilityPerson {
  exists: boolean;
  dateOfBirth?: string | Date | null;
  vitalStatus?: 'ALIVE' | 'DECEASED' | null;
  nationality?: string | null;
  /** A valid identity card (chip CCCD or the 2024 identity card) on the registration date. */
  identityCardValid?: boolean;
  /** A foreigner's valid permanent or temporary residence card (no source feeds it yet). */
  residenceCardValid?: boolean;
}

/** What registration takes from the population source besides eligibility. */
export interface RegistrationPerson extends EligibilityPerson {
  area?: { province: string; commune: string } | null;
  hasChipCard?: boolean;
}

export interface LifecycleContext {
  /** The registration date for eligibility (a Date, read in Vietnam time, or "YYYY-MM-DD"); default `event.at`. */
  today?: Date | string;
  /** The approval deadline (working days, computed elsewhere); stored on REGISTER_* and UPGRADE_TO_L2. */
  approvalDueAt?: Date;
  /** The population record; required for REGISTER_*. */
  person?: RegistrationPerson | null;
  /** Whether the holder's chip ID card is valid today; required for a system LOCK and for UNLOCK of an ID_CARD_EXPIRED lock. */
  idCardValid?: boolean;
  /** The population source records the holder as deceased (a system LOCK; never unlocked). */
  holderDeceased?: boolean;
  /** The activation codes are used up (too many wrong attempts): an officer may reopen at once. */
  activationCodesExhausted?: boolean;
}

export type EligibilityCode =
  'TOO_YOUNG' | 'NO_IDENTITY_CARD' | 'NO_RESIDENCE_CARD' | 'GUARDIAN_NOT_NEEDED' | 'DECEASED' | 'UNKNOWN_PERSON';

export type LifecycleErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'NO_ACCOUNT'
  | 'ALREADY_REGISTERED'
  | 'NOT_ELIGIBLE_TOO_YOUNG'
  | 'NOT_ELIGIBLE_DECEASED'
  | 'NOT_ELIGIBLE_UNKNOWN_PERSON'
  | 'NOT_ELIGIBLE_NO_IDENTITY_CARD'
  | 'NOT_ELIGIBLE_NO_RESIDENCE_CARD'
  | 'NOT_ELIGIBLE_GUARDIAN_NOT_NEEDED'
  | 'AREA_UNKNOWN'
  | 'NOT_PERMITTED'
  | 'OUT_OF_JURISDICTION'
  | 'FINGERPRINTS_REQUIRED'
  | 'LEVEL_ALREADY_2'
  | 'UPGRADE_ALREADY_PENDING'
  | 'NO_PENDING_UPGRADE'
  | 'REASON_REQUIRED'
  | 'ALREADY_NOTIFIED'
  | 'NOT_NOTIFIED'
  | 'ACTIVATION_WINDOW_CLOSED'
  | 'ACTIVATION_WINDOW_OPEN'
  | 'ALREADY_LOCKED'
  | 'ID_CARD_NOT_EXPIRED'
  | 'HOLDER_DECEASED'
  | 'OWNERSHIP_NOT_VERIFIED'
  | 'ID_CARD_STILL_EXPIRED'
  | 'INVALID_PHONE'
  | 'PHONE_UNCHANGED'
  | 'PHONE_NOT_VERIFIED'
  | 'LOCK_GROUND_NOT_ALLOWED'
  | 'GUARDIAN_LEVEL_2_REQUIRED'
  | 'NOT_GUARDIAN'
  | 'GUARDIANSHIP_ENDED'
  | 'UNLOCK_REQUEST_PENDING'
  | 'NO_UNLOCK_REQUEST';

export interface LifecycleUserError {
  code: LifecycleErrorCode;
  message: string;
}

export type ApplyResult =
  { ok: true; account: LifecycleAccount; entry: LifecycleHistoryEntry } | { ok: false; userError: LifecycleUserError };

// ---------------------------------------------------------------------------------------------
// The service (commits, one-time codes: service.ts and the operations beside it)
// ---------------------------------------------------------------------------------------------

export type ServiceErrorCode =
  | LifecycleErrorCode
  | 'INVALID_CODE'
  | 'CODE_EXPIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'NO_CODE_PENDING'
  | 'CONCURRENT_CHANGE'
  | 'INVALID_EMAIL'
  | 'INVALID_INPUT'
  | 'NOTICE_NOT_SENT'
  | 'TOO_MANY_CODES';

export interface ServiceUserError {
  code: ServiceErrorCode;
  message: string;
}

export interface OneTimeCode {
  hash: string; // hex scrypt(code, salt)
  salt: string; // hex
  /** Wrong codes so far; carried over to a resent code (a resend does not buy more guesses). */
  attempts: number;
  sentAt: Date;
  expiresAt: Date;
  /** Codes sent on request after the first (resends). */
  resends?: number;
  /** When the first code of this series was sent. */
  firstSentAt?: Date;
}

/** The stored account: the lifecycle's fields plus the pending one-time codes. */
export interface StoredAccount extends LifecycleAccount {
  activationCode?: OneTimeCode;
  phoneChange?: OneTimeCode & { phone: string };
}

/** One committed transition (also what the audit records). */
export interface AccountChange {
  citizenId: string;
  event: AccountEvent['type'];
  from: AccountDoc['status'] | null;
  to: AccountDoc['status'];
  level: AccountDoc['level'];
  by: string;
  reason?: string;
}

export interface TransitionResult {
  account: StoredAccount | null;
  userError: ServiceUserError | null;
  changes: AccountChange[];
}

export interface AccountEventDoc {
  _id: string; // <personalId>#<seq>
  personalId: string;
  seq: number;
  at: Date;
  entry: LifecycleHistoryEntry;
  /** The account as committed by this transition (roll-forward after a cut-short commit). */
  account: StoredAccount;
}

/** The event a transition applies, made from the account as read (or a refusal). */
export type MakeEvent = (
  account: StoredAccount | null,
  at: Date,
) => AccountEvent | ServiceUserError | Promise<AccountEvent | ServiceUserError>;

/** A change to the committed account before the commit (one-time codes). */
export type BeforeCommit = (next: StoredAccount) => StoredAccount | Promise<StoredAccount>;
