/**
 * E-identity accounts (tài khoản định danh điện tử) as the hub keeps them.
 * `_id` = the holder's personal ID. Children under 14 have no account of their own.
 */
export const ACCOUNTS_COLLECTION = 'accounts';
/** The committed transitions, `_id` = `<personalId>#<seq>` (services/accounts/commit.ts). */
export const ACCOUNT_EVENTS_COLLECTION = 'accountEvents';

export type AccountLevel = 1 | 2;

/**
 * PENDING: registered, awaiting approval; APPROVED: approved and notified, not yet
 * activated; ACTIVE; LOCKED; REJECTED; ACTIVATION_EXPIRED: not activated within 7
 * days of the notice (needs reopening by an officer).
 */
export type AccountStatus = 'PENDING' | 'APPROVED' | 'ACTIVE' | 'LOCKED' | 'REJECTED' | 'ACTIVATION_EXPIRED';
/** Why an account is locked (Decree 69/2024 as summarised: the holder's request, a breach of the app's terms, the card revoked, death, an authority's request; and the seeds' expired card). */
export const LOCK_GROUNDS = [
  'HOLDER_REQUEST',
  'TERMS_BREACH',
  'CARD_REVOKED',
  'DECEASED',
  'AUTHORITY_REQUEST',
  'ID_CARD_EXPIRED',
] as const;
export type LockGround = (typeof LOCK_GROUNDS)[number];

export const ACCOUNT_STATUSES: readonly AccountStatus[] = [
  'PENDING',
  'APPROVED',
  'ACTIVE',
  'LOCKED',
  'REJECTED',
  'ACTIVATION_EXPIRED',
];

/** The lifecycle's events (services/accounts/lifecycle/), as kept in the history. */
export type AccountEventType =
  | 'REGISTER_L1'
  | 'REGISTER_L2'
  | 'UPGRADE_TO_L2'
  | 'APPROVE'
  | 'REJECT'
  | 'NOTIFY'
  | 'ACTIVATE'
  | 'EXPIRE_ACTIVATION'
  | 'REOPEN'
  | 'LOCK'
  | 'UNLOCK'
  | 'UNLOCK_REQUEST'
  | 'UNLOCK_REQUEST_REFUSE'
  | 'PHONE_CHANGE';

/**
 * The eligible groups the reports count apart (Decree 69/2024 Art. 7, 10 as summarised), as of the
 * registration: children 6 to under 14 with an identity card, children under 6, foreigners with a
 * residence card, and accounts a parent or guardian registered (overlapping the children's groups).
 * Citizens 14+ (the seeds' group) carry none.
 */
export const ACCOUNT_GROUPS = ['CHILD_6_14', 'CHILD_UNDER_6', 'FOREIGNER', 'GUARDIAN_REGISTERED'] as const;
export type AccountGroup = (typeof ACCOUNT_GROUPS)[number];

export interface AccountHistoryEntry {
  /** The event that made this move (always set by the hub; the generator sets it too). */
  event?: AccountEventType;
  at: Date;
  from: AccountStatus | null;
  to: AccountStatus;
  level: AccountLevel;
  by: string; // "citizen", "officer:<id>", "system"
  reason?: string;
  /** On a registration: the account's groups from then on (absent: a citizen 14+). */
  groups?: AccountGroup[];
}

export interface AccountDoc {
  _id: string; // personal ID
  level: AccountLevel;
  status: AccountStatus;
  phone: string; // +84...
  email?: string;
  /** Area of permanent residence (today's codes): province and commune/ward. */
  area: { province: string; commune: string };
  hasChipCard: boolean;
  registeredAt: Date;
  approvedAt?: Date;
  notifiedAt?: Date;
  activatedAt?: Date;
  lockedAt?: Date;
  lockReason?: 'HOLDER' | 'OFFICER' | 'ID_CARD_EXPIRED' | 'HOLDER_DECEASED';
  /** The report groups of the current registration (absent or empty: a citizen 14+). */
  groups?: AccountGroup[];
  /** The parent or guardian who registered this child's account (Decree 69/2024 Art. 10). */
  guardianId?: string;
  /** The legal ground of the lock (Decree 69/2024, as summarised; docs/accounts.md). */
  lockGround?: LockGround;
  history: AccountHistoryEntry[];
  updatedAt: Date;
  /**
   * Number of committed transitions (the history keeps only the latest ones; without `seq`, an
   * account written before it existed, its history length); the hub's optimistic-concurrency version.
   */
  seq?: number;
  /** Deadline (end of that Vietnam day, as an instant) for approving the pending request. */
  approvalDueAt?: Date;
  /** A Level 2 upgrade requested in person and awaiting approval (the account keeps Level 1 meanwhile). */
  pendingLevel?: 2;
  /** A competent authority's request to unlock, recorded and awaiting the officer's action (locks.ts). */
  unlockRequest?: UnlockRequest;
}

/** An authority's unlock request (Decree 69/2024 as summarised: 1 working day to forward + 2 to decide). */
export interface UnlockRequest {
  /** The authority that asked (its name or reference, as the officer recorded it). */
  authority: string;
  receivedAt: Date;
  /** End of the 1st working day after receipt: forwarded to the deciding office. */
  forwardDueAt: Date;
  /** End of the 3rd working day after receipt (1 + 2): unlocked or refused. */
  dueAt: Date;
  /** The officer who recorded it ("officer:<id>"). */
  by: string;
  /** PENDING until an officer unlocks on it (COMPLETED) or refuses it (REFUSED); absent: PENDING. */
  status?: 'PENDING' | 'COMPLETED' | 'REFUSED';
  decidedAt?: Date;
  /** The officer who decided it. */
  decidedBy?: string;
}

/** Is an authority's unlock request awaiting the officer's action? */
export const unlockRequestPending = (r: UnlockRequest | undefined): r is UnlockRequest =>
  !!r && (r.status ?? 'PENDING') === 'PENDING';
