/**
 * How the working groups' account reports are kept: counters maintained on every
 * lifecycle transition (never counted by scanning accounts at read time).
 *
 * Collection `reportCounters` (hub database), read only by `_id`:
 * - `S|<area>`: one per province and per commune/ward. `stock.<STATUS>_<LEVEL>`: accounts
 *   in that state now; `total.<flow>`: all-time event counts; `population`: the citizens
 *   aged 14+ and those with no account, from the last population refresh.
 * - `D|<area>|<yyyy-mm>`: one per area and month. `days.<DD>.f.<flow>`: events that day;
 *   `days.<DD>.s.<STATUS>_<LEVEL>`: the net change of each state that day (so the state at
 *   the end of any past day is `stock` minus the changes after it). Monthly, so that the
 *   document a transition rewrites stays small (the embedded store rewrites whole documents).
 *
 * Collection `reportLists`: `L|<list>|<commune>` with `m.<personalId>` → a small value; the
 * door-to-door and approval lists of one commune/ward (a document per list and commune).
 *
 * Collection `reportTargets`: `<area>` → the working group's daily targets.
 *
 * Area codes: a province is 2 digits, a commune/ward 5 digits starting with its province's.
 */
import {
  ACCOUNT_STATUSES,
  type AccountEventType,
  type AccountGroup,
  type AccountLevel,
  type AccountStatus,
} from '../store';

export const REPORT_COUNTERS_COLLECTION = 'reportCounters';
export const REPORT_LISTS_COLLECTION = 'reportLists';
export const REPORT_TARGETS_COLLECTION = 'reportTargets';

/** Events counted per day and in all-time totals. */
export const FLOWS = [
  'registered_l1',
  'registered_l2',
  'upgrade_requested',
  'approved',
  'upgraded',
  'rejected',
  'upgrade_rejected',
  'notified',
  'activated_l1',
  'activated_l2',
  'activation_expired',
  'reopened',
  'locked',
  'unlocked',
  'phone_changed',
] as const;
export type Flow = (typeof FLOWS)[number];

export const STATUSES: readonly AccountStatus[] = ACCOUNT_STATUSES;
export type StockKey = `${AccountStatus}_${AccountLevel}`;
export const stockKey = (status: AccountStatus, level: AccountLevel): StockKey => `${status}_${level}`;

/**
 * PENDING_APPROVAL: registrations and Level 2 upgrades awaiting a decision (value: the
 * deadline, ISO instant); APPROVED_NOT_ACTIVATED: approved, not activated, including those
 * whose 7-day window closed (value: the notice instant, ISO, or "" before the notice);
 * NOT_REGISTERED: citizens 14+ of the commune with no account (value: 1).
 */
export const LIST_NAMES = ['PENDING_APPROVAL', 'APPROVED_NOT_ACTIVATED', 'NOT_REGISTERED'] as const;
export type ListName = (typeof LIST_NAMES)[number];
/**
 * NOT_REGISTERED_GROUPS: the people of the other eligible groups with no account (value `#<GROUP>`),
 * apart from NOT_REGISTERED so that the seeds' list keeps citizens 14+ only; read through
 * NOT_REGISTERED with a group (services/accounts/reports/read.ts `storedList`).
 */
export type StoredListName = ListName | 'NOT_REGISTERED_GROUPS';

export type Counts<K extends string> = Partial<Record<K, number>>;

export interface PopulationFacts {
  /** Living citizens aged 14+ whose permanent residence is in the area. */
  eligible14: number;
  /** Of them, those with no account (or only a rejected request). */
  notRegistered: number;
  /** The day ("YYYY-MM-DD") the refresh computed these. */
  asOf: string;
  /**
   * The other eligible groups (children 6 to under 14 with an identity card, under 6, foreigners
   * with a valid residence card): the people of each, and those of them with no account.
   */
  groups?: Partial<Record<AccountGroup, GroupPopulation>>;
}

export interface GroupPopulation {
  eligible: number;
  notRegistered: number;
}

/** One group's counters (the same as the area's, for the group's accounts only). */
export interface GroupCounts {
  stock?: Counts<StockKey>;
  total?: Counts<Flow>;
}

export interface AreaStockDoc {
  _id: string; // S|<area>
  area: string;
  province: string;
  stock?: Counts<StockKey>;
  total?: Counts<Flow>;
  /** Per group (store.ts ACCOUNT_GROUPS): its accounts' state counts and event totals. */
  groups?: Partial<Record<AccountGroup, GroupCounts>>;
  population?: PopulationFacts;
}

export interface DayCounts {
  f?: Counts<Flow>;
  s?: Counts<StockKey>;
  /** Per group: its events and state changes that day. */
  g?: Partial<Record<AccountGroup, { f?: Counts<Flow>; s?: Counts<StockKey> }>>;
}

export interface AreaDaysDoc {
  _id: string; // D|<area>|<yyyy-mm>
  area: string;
  month: string; // yyyy-mm
  days?: Record<string, DayCounts>; // DD
}

export interface AreaListDoc {
  _id: string; // L|<list>|<commune>
  list: StoredListName;
  commune: string;
  province: string;
  m?: Record<string, string | number>;
}

export interface AreaTargetDoc {
  _id: string; // area code
  area: string;
  /** Records to collect per day (registrations of either level). */
  collectedPerDay: number | null;
  /** Accounts to activate per day. */
  activatedPerDay: number | null;
  setBy: string;
  setAt: Date;
}

export const stockId = (area: string): string => `S|${area}`;
export const daysId = (area: string, month: string): string => `D|${area}|${month}`;
export const listId = (list: StoredListName, commune: string): string => `L|${list}|${commune}`;

export const isProvinceCode = (s: string): boolean => /^\d{2}$/.test(s);
export const isCommuneCode = (s: string): boolean => /^\d{5}$/.test(s);

/** The lifecycle event names are the store's (kept in one place). */
export type { AccountEventType };
