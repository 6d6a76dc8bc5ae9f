/**
 * E-identity accounts (tài khoản định danh điện tử) as the hub keeps them.
 * `_id` = the holder's personal ID. Children under 14 have no account of their own.
 */
export const ACCOUNTS_COLLECTION = 'accounts';

export type AccountLevel = 1 | 2;

/**
 * PENDING: registered, awaiting approval; APPROVED: approved and notified, not yet
 * activated; ACTIVE; LOCKED; REJECTED; ACTIVATION_EXPIRED: not activated within 7
 * days of the notice (needs reopening by an officer).
 */
export type AccountStatus = 'PENDING' | 'APPROVED' | 'ACTIVE' | 'LOCKED' | 'REJECTED' | 'ACTIVATION_EXPIRED';

export interface AccountHistoryEntry {
  at: Date;
  from: AccountStatus | null;
  to: AccountStatus;
  level: AccountLevel;
  by: string; // "citizen", "officer:<id>", "system"
  reason?: string;
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
  lockReason?: 'HOLDER' | 'OFFICER' | 'ID_CARD_EXPIRED';
  history: AccountHistoryEntry[];
  updatedAt: Date;
}
