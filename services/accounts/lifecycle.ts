/**
 * The e-identity account lifecycle (Decree 59/2022) as one explicit, pure state machine.
 *
 * `apply(account, event, ctx)` never throws and never touches the store: it returns the next
 * account document (a copy) and the history entry it appended, or a `userError` with a code.
 * Deadlines (the approval deadline in working days) are computed elsewhere and passed in
 * through `ctx`; the 7-day activation window is calendar days and is checked here.
 *
 * `TRANSITIONS` is the table of legal (state × event → state) moves; a move not in the table is
 * refused with ILLEGAL_TRANSITION (or a more specific code). A move in the table may still be
 * refused by its guard (who may do it, fingerprints, the activation window, ownership, …).
 */
import type { AccountDoc, AccountEventType, AccountHistoryEntry, AccountLevel, AccountStatus } from './store';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Who acts. An officer's `area` is a province, or one commune/ward of it (today's codes). */
export type Actor =
  | { kind: 'citizen' }
  | { kind: 'officer'; id: string; area: { province: string; commune?: string } }
  | { kind: 'system' };

interface EventBase {
  at: Date;
  by: Actor;
  reason?: string;
}

export type NotifyChannel = 'APP' | 'SMS' | 'EMAIL';
export type LockReason = NonNullable<AccountDoc['lockReason']>;

export type AccountEvent =
  /** The citizen, in the app. */
  | (EventBase & { type: 'REGISTER_L1'; personalId: string; phone: string; portraitRef: string; email?: string })
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
  | (EventBase & { type: 'LOCK'; via?: 'APP' | 'HOTLINE' | 'IN_PERSON' })
  /** An officer, after the holder proved ownership. */
  | (EventBase & { type: 'UNLOCK'; ownershipVerified: boolean })
  /** An officer in person, or the holder online with a code confirmed on the new number. */
  | (EventBase & { type: 'PHONE_CHANGE'; phone: string; verificationCodeConfirmed?: boolean });

export type EventType = AccountEvent['type'];
// The store's list of event names and the machine's events are the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameEvents: Same<EventType, AccountEventType> = true;
void _sameEvents;
export type EventOf<T extends EventType> = Extract<AccountEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = [
  'REGISTER_L1',
  'REGISTER_L2',
  'UPGRADE_TO_L2',
  'APPROVE',
  'REJECT',
  'NOTIFY',
  'ACTIVATE',
  'EXPIRE_ACTIVATION',
  'REOPEN',
  'LOCK',
  'UNLOCK',
  'PHONE_CHANGE',
];

/** The states of the machine: the store's statuses, plus NONE for "no account yet". */
export type AccountState = 'NONE' | AccountStatus;
export const ACCOUNT_STATES: readonly AccountState[] = [
  'NONE',
  'PENDING',
  'APPROVED',
  'ACTIVE',
  'LOCKED',
  'REJECTED',
  'ACTIVATION_EXPIRED',
];

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

export type EligibilityCode = 'TOO_YOUNG' | 'DECEASED' | 'UNKNOWN_PERSON';

export type LifecycleErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'NO_ACCOUNT'
  | 'ALREADY_REGISTERED'
  | 'NOT_ELIGIBLE_TOO_YOUNG'
  | 'NOT_ELIGIBLE_DECEASED'
  | 'NOT_ELIGIBLE_UNKNOWN_PERSON'
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
  | 'PHONE_NOT_VERIFIED';

export interface LifecycleUserError {
  code: LifecycleErrorCode;
  message: string;
}

export type ApplyResult =
  { ok: true; account: LifecycleAccount; entry: LifecycleHistoryEntry } | { ok: false; userError: LifecycleUserError };

// ---------------------------------------------------------------------------------------------
// The transition table
// ---------------------------------------------------------------------------------------------

export interface Transition {
  from: AccountState;
  event: EventType;
  to: AccountStatus;
  /** Who may do it and the guard, in words (for the README). */
  note: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'NONE', event: 'REGISTER_L1', to: 'PENDING', note: 'citizen in the app; eligible' },
  { from: 'NONE', event: 'REGISTER_L2', to: 'PENDING', note: 'officer in person; fingerprints; eligible' },
  { from: 'REJECTED', event: 'REGISTER_L1', to: 'PENDING', note: 'a new request after a rejection' },
  { from: 'REJECTED', event: 'REGISTER_L2', to: 'PENDING', note: 'a new request after a rejection' },
  { from: 'PENDING', event: 'APPROVE', to: 'APPROVED', note: 'officer of the area or system' },
  { from: 'PENDING', event: 'REJECT', to: 'REJECTED', note: 'officer of the area or system; reason' },
  { from: 'PENDING', event: 'PHONE_CHANGE', to: 'PENDING', note: 'officer in person' },
  { from: 'APPROVED', event: 'NOTIFY', to: 'APPROVED', note: 'system; starts the 7-day window' },
  { from: 'APPROVED', event: 'ACTIVATE', to: 'ACTIVE', note: 'citizen, one-time code, within 7 days' },
  { from: 'APPROVED', event: 'EXPIRE_ACTIVATION', to: 'ACTIVATION_EXPIRED', note: 'system, after 7 days' },
  { from: 'APPROVED', event: 'PHONE_CHANGE', to: 'APPROVED', note: 'officer in person' },
  { from: 'ACTIVATION_EXPIRED', event: 'REOPEN', to: 'APPROVED', note: 'officer of the area; a new notice follows' },
  {
    from: 'APPROVED',
    event: 'REOPEN',
    to: 'APPROVED',
    note: 'officer of the area, once the window has closed (before the sweep) or the codes are used up',
  },
  { from: 'ACTIVE', event: 'UPGRADE_TO_L2', to: 'ACTIVE', note: 'officer in person; Level 1; fingerprints' },
  { from: 'ACTIVE', event: 'APPROVE', to: 'ACTIVE', note: 'pending upgrade approved: Level 2' },
  { from: 'ACTIVE', event: 'REJECT', to: 'ACTIVE', note: 'pending upgrade rejected: stays Level 1' },
  { from: 'ACTIVE', event: 'LOCK', to: 'LOCKED', note: 'holder, officer, or system (ID card expired)' },
  { from: 'ACTIVE', event: 'PHONE_CHANGE', to: 'ACTIVE', note: 'officer in person, or holder with a code' },
  { from: 'LOCKED', event: 'APPROVE', to: 'LOCKED', note: 'pending upgrade approved: Level 2' },
  { from: 'LOCKED', event: 'REJECT', to: 'LOCKED', note: 'pending upgrade rejected: stays Level 1' },
  { from: 'LOCKED', event: 'LOCK', to: 'LOCKED', note: 'system only: ID card expired supersedes' },
  { from: 'LOCKED', event: 'UNLOCK', to: 'ACTIVE', note: 'officer; ownership proved; ID card valid' },
  { from: 'LOCKED', event: 'PHONE_CHANGE', to: 'LOCKED', note: 'officer in person' },
];

const TABLE = new Map<string, Transition>(TRANSITIONS.map((t) => [`${t.from}|${t.event}`, t]));

/** The table's target for (state, event), or undefined when the move is illegal. */
export function transitionFor(from: AccountState, event: EventType): Transition | undefined {
  return TABLE.get(`${from}|${event}`);
}

/** The transition table as Mermaid `stateDiagram-v2` text (NONE is the initial pseudo-state). */
export function mermaidDiagram(): string {
  const node = (s: AccountState): string => (s === 'NONE' ? '[*]' : s);
  const edges = new Map<string, EventType[]>();
  for (const t of TRANSITIONS) {
    const key = `${node(t.from)} --> ${node(t.to)}`;
    const events = edges.get(key) ?? [];
    if (!events.includes(t.event)) events.push(t.event);
    edges.set(key, events);
  }
  const lines = ['stateDiagram-v2'];
  for (const [edge, events] of edges) lines.push(`  ${edge} : ${events.join(', ')}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Dates (Vietnam time, UTC+7 all year)
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;
export const ACTIVATION_WINDOW_DAYS = 7;
/** History entries an account keeps (the latest); `accountEvents` keeps every step. */
export const MAX_ACCOUNT_HISTORY = 200;
export const MIN_ACCOUNT_AGE = 14;

type Ymd = [number, number, number];

function vnDate(d: Date): Ymd {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()];
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** "YYYY-MM-DD" → [y, m, d]; a partial date ("YYYY-MM", "YYYY") takes the LATEST possible day. */
function parseYmd(s: string): Ymd | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 12;
  if (mo < 1 || mo > 12) return null;
  const d = m[3] ? Number(m[3]) : daysInMonth(y, mo);
  if (d < 1 || d > daysInMonth(y, mo)) return null;
  return [y, mo, d];
}

function toYmd(v: string | Date): Ymd | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : vnDate(v);
  return parseYmd(v);
}

/** Whole years between a birth date and a day (a 29 February birthday falls on 1 March in other years). */
function ageOn(birth: Ymd, day: Ymd): number {
  const before = day[1] < birth[1] || (day[1] === birth[1] && day[2] < birth[2]);
  return day[0] - birth[0] - (before ? 1 : 0);
}

/**
 * The last instant the citizen may activate: the end (23:59:59.999, Vietnam time) of the 7th
 * calendar day after the day of the notice. Notified on day 0 → day 7 allowed, day 8 closed.
 */
export function activationDeadline(notifiedAt: Date): Date {
  const vnDay = Math.floor((notifiedAt.getTime() + VN_OFFSET_MS) / DAY_MS);
  return new Date((vnDay + ACTIVATION_WINDOW_DAYS + 1) * DAY_MS - VN_OFFSET_MS - 1);
}

// ---------------------------------------------------------------------------------------------
// Eligibility
// ---------------------------------------------------------------------------------------------

/**
 * May this person hold an e-identity account of their own on `today` (the registration date)?
 * Returns the refusal code, or null. A child under 14 is shown under a parent's or guardian's
 * account instead (dependants). An unreadable date of birth or vital status counts as
 * UNKNOWN_PERSON (fail closed: a deceased person whose status cannot be read gets no account).
 * Nationality is not checked here: the population source holds citizens only, and the Decree
 * lets foreigners of 14+ hold an account too (through the immigration source, not this one).
 */
export function checkEligibility(
  person: EligibilityPerson | null | undefined,
  today: Date | string,
): EligibilityCode | null {
  if (!person || !person.exists) return 'UNKNOWN_PERSON';
  if (person.vitalStatus === 'DECEASED') return 'DECEASED';
  if (person.vitalStatus !== 'ALIVE') return 'UNKNOWN_PERSON';
  const birth = person.dateOfBirth == null ? null : toYmd(person.dateOfBirth);
  const day = toYmd(today);
  if (!birth || !day) return 'UNKNOWN_PERSON';
  return ageOn(birth, day) < MIN_ACCOUNT_AGE ? 'TOO_YOUNG' : null;
}

const ELIGIBILITY_MESSAGES: Record<EligibilityCode, string> = {
  TOO_YOUNG: `Under ${MIN_ACCOUNT_AGE} on the registration date: a child is shown under a parent's or guardian's account`,
  DECEASED: 'The population source records this person as deceased',
  UNKNOWN_PERSON: 'The population source has no usable record of this person',
};

// ---------------------------------------------------------------------------------------------
// apply
// ---------------------------------------------------------------------------------------------

/** The history's `by`: "citizen", "officer:<id>", "system". */
export function actorLabel(by: Actor): string {
  return by.kind === 'officer' ? `officer:${by.id}` : by.kind;
}

const PHONE_RE = /^\+84[35789]\d{8}$/;

/** The refusal of a phone number (the input is not echoed back). */
export const INVALID_PHONE_MESSAGE = 'Not a Vietnamese mobile number (+84 or 0, then 9 digits)';

/** "+84…" or a national "0…" number → "+84…" (9 digits after the country code), else null. */
export function normalizePhone(raw: string): string | null {
  const s = raw.replace(/[\s.-]/g, '');
  const e164 = s.startsWith('0') ? `+84${s.slice(1)}` : s;
  return PHONE_RE.test(e164) ? e164 : null;
}

type Failure = { ok: false; userError: LifecycleUserError };

function fail(code: LifecycleErrorCode, message: string): Failure {
  return { ok: false, userError: { code, message } };
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

/** The specific code for a move that is not in the table. */
function illegal(from: AccountState, event: AccountEvent, account: LifecycleAccount | null): ApplyResult {
  const t = event.type;
  if ((t === 'REGISTER_L1' || t === 'REGISTER_L2') && account) {
    return fail(
      'ALREADY_REGISTERED',
      `This person already has an account (${from}, Level ${account.level})${
        account.level === 1 && t === 'REGISTER_L2' ? '; use UPGRADE_TO_L2' : ''
      }`,
    );
  }
  if (!account) return fail('NO_ACCOUNT', `${t} needs an account; this person has none (register first)`);
  if (t === 'UPGRADE_TO_L2' && account.level === 2) return fail('LEVEL_ALREADY_2', 'The account is already Level 2');
  if (t === 'ACTIVATE' && from === 'ACTIVATION_EXPIRED') {
    return fail(
      'ACTIVATION_WINDOW_CLOSED',
      'The 7-day activation window has closed; an officer must reopen the account',
    );
  }
  return fail('ILLEGAL_TRANSITION', `${t} is not allowed from state ${from}`);
}

function omit(account: LifecycleAccount, ...keys: (keyof LifecycleAccount)[]): LifecycleAccount {
  const copy = { ...account };
  for (const k of keys) delete copy[k];
  return copy;
}

const LOCK_VIA_DEFAULT: Record<Actor['kind'], string> = { citizen: 'APP', officer: 'HOTLINE', system: 'SWEEP' };

function defaultReason(event: AccountEvent, account: LifecycleAccount): string {
  switch (event.type) {
    case 'REGISTER_L1':
      return 'registered Level 1 in the app';
    case 'REGISTER_L2':
      return 'registered Level 2 in person, fingerprints captured';
    case 'UPGRADE_TO_L2':
      return 'Level 2 upgrade requested in person, fingerprints captured';
    case 'APPROVE':
      return account.status === 'PENDING' ? 'approved' : 'Level 2 upgrade approved';
    case 'REJECT':
      return event.reason;
    case 'NOTIFY':
      return `notified by ${event.channel}`;
    case 'ACTIVATE':
      return 'activated with a one-time code';
    case 'EXPIRE_ACTIVATION':
      return `not activated within ${ACTIVATION_WINDOW_DAYS} days of the notice`;
    case 'REOPEN':
      return 'reopened by an officer';
    case 'LOCK':
      return `locked (${event.by.kind === 'system' ? 'system' : lockReasonOf(event.by)}, via ${event.via ?? LOCK_VIA_DEFAULT[event.by.kind]})`;
    case 'UNLOCK':
      return 'unlocked after the holder proved ownership';
    case 'PHONE_CHANGE':
      return event.by.kind === 'officer' ? 'phone number changed in person' : 'phone number changed online';
  }
}

function lockReasonOf(by: Actor): LockReason {
  return by.kind === 'citizen' ? 'HOLDER' : by.kind === 'officer' ? 'OFFICER' : 'ID_CARD_EXPIRED';
}

type Step = { ok: true; account: LifecycleAccount } | Failure;

/**
 * Applies one event. `account` is null when the person has no account yet. Never throws for
 * anything a user can cause; the returned account is a new object (the input is not modified).
 */
export function apply(account: AccountDoc | null, event: AccountEvent, ctx: LifecycleContext = {}): ApplyResult {
  const current = account as LifecycleAccount | null;
  const from: AccountState = current ? current.status : 'NONE';
  const transition = transitionFor(from, event.type);
  if (!transition) return illegal(from, event, current);

  const step = guardAndUpdate(current, event, ctx);
  if (!step.ok) return step;

  const next = step.account;
  next.status = transition.to;
  next.updatedAt = event.at;
  const entry: LifecycleHistoryEntry = {
    at: event.at,
    from: current ? current.status : null,
    to: transition.to,
    level: next.level,
    by: actorLabel(event.by),
    event: event.type,
    reason: event.reason?.trim() || defaultReason(event, current ?? next),
  };
  // Only the latest entries: the account stays small however many steps it takes (every step is
  // kept in `accountEvents`, and each of those copies the account).
  next.history = [...(current?.history ?? []), entry].slice(-MAX_ACCOUNT_HISTORY);
  return { ok: true, account: next, entry };
}

function guardAndUpdate(current: LifecycleAccount | null, event: AccountEvent, ctx: LifecycleContext): Step {
  const at = event.at;
  switch (event.type) {
    case 'REGISTER_L1':
    case 'REGISTER_L2': {
      if (event.type === 'REGISTER_L1' && event.by.kind !== 'citizen') return notPermitted(event, 'the citizen (app)');
      if (event.type === 'REGISTER_L2') {
        if (event.by.kind !== 'officer') return notPermitted(event, 'an officer (in person)');
        if (event.fingerprintsCaptured !== true) {
          return fail('FINGERPRINTS_REQUIRED', 'Level 2 needs the fingerprints captured in person');
        }
      }
      const code = checkEligibility(ctx.person, ctx.today ?? at);
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
      if (portraitRef) next.portraitRef = portraitRef;
      if (level === 2) next.fingerprintsCapturedAt = at;
      if (ctx.approvalDueAt) next.approvalDueAt = ctx.approvalDueAt;
      return { ok: true, account: next };
    }

    case 'UPGRADE_TO_L2': {
      const account = current!;
      if (event.by.kind !== 'officer') return notPermitted(event, 'an officer (in person)');
      if (account.level === 2) return fail('LEVEL_ALREADY_2', 'The account is already Level 2');
      if (account.pendingLevel === 2) return fail('UPGRADE_ALREADY_PENDING', 'A Level 2 upgrade is already pending');
      if (event.fingerprintsCaptured !== true) {
        return fail('FINGERPRINTS_REQUIRED', 'Level 2 needs the fingerprints captured in person');
      }
      const next: LifecycleAccount = {
        ...account,
        pendingLevel: 2,
        upgradeRequestedAt: at,
        fingerprintsCapturedAt: at,
      };
      if (ctx.approvalDueAt) next.approvalDueAt = ctx.approvalDueAt;
      if (ctx.person?.hasChipCard !== undefined) next.hasChipCard = ctx.person.hasChipCard;
      return { ok: true, account: next };
    }

    case 'APPROVE':
    case 'REJECT': {
      const account = current!;
      const denied = checkAreaOfficer(event, account, true);
      if (denied) return denied;
      if (event.type === 'REJECT' && !event.reason?.trim()) {
        return fail('REASON_REQUIRED', 'A rejection must give the reason');
      }
      if (account.status === 'PENDING') {
        return event.type === 'APPROVE'
          ? { ok: true, account: { ...account, approvedAt: at } }
          : { ok: true, account: { ...account, rejectedAt: at } };
      }
      // ACTIVE or LOCKED: the decision on a pending Level 2 upgrade.
      if (account.pendingLevel !== 2) return fail('NO_PENDING_UPGRADE', `No Level 2 upgrade awaits a decision`);
      const next = omit(account, 'pendingLevel');
      if (event.type === 'APPROVE') next.level = 2;
      return { ok: true, account: next };
    }

    case 'NOTIFY': {
      const account = current!;
      if (event.by.kind !== 'system') return notPermitted(event, 'the system (notifier)');
      if (account.notifiedAt) {
        return fail(
          'ALREADY_NOTIFIED',
          'The citizen was already notified; only an officer can restart the window (REOPEN)',
        );
      }
      return { ok: true, account: { ...account, notifiedAt: at, notifyChannel: event.channel } };
    }

    case 'ACTIVATE': {
      const account = current!;
      if (event.by.kind !== 'citizen') return notPermitted(event, 'the citizen (one-time code)');
      if (!account.notifiedAt) return fail('NOT_NOTIFIED', 'The citizen has not been notified yet');
      if (at.getTime() > activationDeadline(account.notifiedAt).getTime()) {
        return fail(
          'ACTIVATION_WINDOW_CLOSED',
          `The ${ACTIVATION_WINDOW_DAYS}-day activation window closed on ${activationDeadline(account.notifiedAt).toISOString()}; an officer must reopen the account`,
        );
      }
      return { ok: true, account: { ...account, activatedAt: at } };
    }

    case 'EXPIRE_ACTIVATION': {
      const account = current!;
      if (event.by.kind !== 'system') return notPermitted(event, 'the system (sweep)');
      if (!account.notifiedAt)
        return fail('NOT_NOTIFIED', 'The window has not started: the citizen was never notified');
      if (at.getTime() <= activationDeadline(account.notifiedAt).getTime()) {
        return fail('ACTIVATION_WINDOW_OPEN', 'The activation window is still open');
      }
      return { ok: true, account: { ...account } };
    }

    case 'REOPEN': {
      const account = current!;
      const denied = checkAreaOfficer(event, account, false);
      if (denied) return denied;
      if (
        account.status === 'APPROVED' &&
        account.notifiedAt &&
        at <= activationDeadline(account.notifiedAt) &&
        !ctx.activationCodesExhausted
      ) {
        return fail('ACTIVATION_WINDOW_OPEN', 'The activation window is still open: the citizen can activate');
      }
      return { ok: true, account: { ...omit(account, 'notifiedAt', 'notifyChannel'), reopenedAt: at } };
    }

    case 'LOCK': {
      const account = current!;
      const reason: LockReason =
        event.by.kind === 'system' && ctx.holderDeceased ? 'HOLDER_DECEASED' : lockReasonOf(event.by);
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
        return { ok: true, account: { ...account, lockReason: reason } };
      }
      return { ok: true, account: { ...account, lockedAt: at, lockReason: reason } };
    }

    case 'UNLOCK': {
      const account = current!;
      if (event.by.kind !== 'officer') return notPermitted(event, 'an officer');
      if (account.lockReason === 'HOLDER_DECEASED') {
        return fail('HOLDER_DECEASED', 'The population source records the holder as deceased');
      }
      if (event.ownershipVerified !== true) {
        return fail(
          'OWNERSHIP_NOT_VERIFIED',
          'The holder must prove ownership (hotline or in person) before unlocking',
        );
      }
      if (account.lockReason === 'ID_CARD_EXPIRED' ? ctx.idCardValid !== true : ctx.idCardValid === false) {
        return fail('ID_CARD_STILL_EXPIRED', 'The chip ID card is still expired: renew it before unlocking');
      }
      return { ok: true, account: omit(account, 'lockedAt', 'lockReason') };
    }

    case 'PHONE_CHANGE': {
      const account = current!;
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
      return { ok: true, account: { ...account, phone, phoneChangedAt: at } };
    }
  }
}
