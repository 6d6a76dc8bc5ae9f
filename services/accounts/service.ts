/**
 * The account operations: reads what the lifecycle needs (the account, the population
 * record, the calendar), applies one event with the pure state machine, and commits the
 * result. A commit is:
 *
 * 1. an insert of the transition into `accountEvents` with `_id = <personalId>#<seq>`: the
 *    unique `_id` makes it a compare-and-set (two writers of the same next step cannot both
 *    win, on MongoDB or FerretDB, across hub instances); the event keeps the account as
 *    committed, so a commit cut short after this step is rolled forward by the next one;
 * 2. the account document replaced (by `_id`);
 * 3. the disclosure cache entry dropped (a level or status change takes effect at once);
 * 4. the report counters and lists updated (`ReportWriter`).
 *
 * Within one process the steps for one account are also serialised by a keyed mutex.
 */
import { KeyedMutex, isDuplicateKey, lastEventAfter, replaceOrInsert } from '../../store/concurrency';
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Filter } from 'mongodb';
import type { Logger } from 'pino';
import type { CitizenRecord } from '../../connectors/population/connector';
import { unreadableOf } from '../../connectors/fields';
import type { AccessCaches } from '../access/access';
import { inJurisdiction } from '../access/policy';
import type { Store } from '../../store/connection';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from './store';
import { opsForTransition, type TransitionFact } from './reports/ops';
import type { ReportWriter } from './reports/writer';
import { addWorkingDays, approvalDeadlineDays, vietnamDate, type HolidayCalendar } from './calendar';
import {
  activationDeadline,
  apply,
  INVALID_PHONE_MESSAGE,
  normalizePhone,
  type AccountEvent,
  type Actor,
  type LifecycleAccount,
  type LifecycleContext,
  type LifecycleErrorCode,
  type LifecycleHistoryEntry,
} from './lifecycle';
import type { Notifier, NotifyChannel } from './notifier';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export { ACCOUNT_EVENTS_COLLECTION };
/** One document per wrong one-time code (its guess slot, see `verifyCode`). */
export const ACCOUNT_CODE_GUESSES_COLLECTION = 'accountCodeGuesses';

/** Wrong codes allowed before the code is void. */
export const MAX_CODE_ATTEMPTS = 5;
/** The phone verification code is valid this long. */
export const PHONE_CODE_TTL_MS = 10 * 60_000;
/** New codes on request: at most this many per activation window / per hour for a phone change… */
export const MAX_CODE_SENDS = 3;
/** …and at least this long apart. */
export const MIN_CODE_INTERVAL_MS = 60_000;

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

export interface AccountServiceDeps {
  store: Store;
  calendar: HolidayCalendar;
  notifier: Notifier;
  reports: ReportWriter;
  caches: AccessCaches;
  /** The population record by personal ID (null when the source has none). */
  population: (personalId: string) => Promise<CitizenRecord | null>;
  logger: Logger;
  now?: () => Date;
}

const VN_OFFSET_MS = 7 * 3_600_000;

/** The end (23:59:59.999 Vietnam time) of a "YYYY-MM-DD" day, as an instant. */
export function endOfVietnamDay(day: string): Date {
  return new Date(Date.parse(`${day}T23:59:59.999Z`) - VN_OFFSET_MS);
}

async function hashCode(code: string, salt: Buffer): Promise<string> {
  return (await scrypt(code, salt, 32)).toString('hex');
}

async function newCode(now: Date, ttlMs: number): Promise<{ code: string; stored: OneTimeCode }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16);
  return {
    code,
    stored: {
      hash: await hashCode(code, salt),
      salt: salt.toString('hex'),
      attempts: 0,
      sentAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    },
  };
}

async function codeMatches(stored: OneTimeCode, code: string): Promise<boolean> {
  const h = Buffer.from(await hashCode(code, Buffer.from(stored.salt, 'hex')), 'hex');
  const want = Buffer.from(stored.hash, 'hex');
  return h.length === want.length && timingSafeEqual(h, want);
}

/**
 * Whether the ID card's expiry is unknown: the card, or its expiry, could not be read from the
 * population source (a null expiry that was read means "does not expire").
 */
export function idCardExpiryUnreadable(person: CitizenRecord | null): boolean {
  if (!person) return false;
  if (!person.identityCard) return !!unreadableOf(person, 'identityCard');
  return !!unreadableOf(person.identityCard, 'expiresOn');
}

/**
 * Whether the chip ID card is valid on `today` ("YYYY-MM-DD"): it is through its expiry day. An
 * expiry that cannot be read is not valid (fail closed: no automatic approval, no unlock).
 */
export function idCardValidOn(person: CitizenRecord | null, today: string): boolean {
  const card = person?.identityCard;
  if (!card || idCardExpiryUnreadable(person)) return false;
  return card.expiresOn === null || card.expiresOn >= today;
}

/** A valid chip ID card on `today` (an expired one does not count: it cannot be read by the app). */
export function hasChip(person: CitizenRecord | null, today: string): boolean {
  const kind = person?.identityCard?.kind;
  return (kind === 'CCCD_CHIP' || kind === 'IDENTITY_CARD') && idCardValidOn(person, today);
}

type MakeEvent = (
  account: StoredAccount | null,
  at: Date,
) => AccountEvent | ServiceUserError | Promise<AccountEvent | ServiceUserError>;

/** The filter of a conditional write that applies only to the account as it was read (status and seq). */
function asRead(account: StoredAccount): Filter<StoredAccount> {
  return {
    _id: account._id,
    status: account.status,
    seq: account.seq === undefined ? { $exists: false } : account.seq,
  } as Filter<StoredAccount>;
}

/** Longest e-mail address (RFC 5321 path limit), and its parts. */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,251}\.[A-Za-z]{2,63}$/;
/** Longest reason an officer or holder gives (lock, unlock, rejection). */
export const MAX_REASON_LENGTH = 500;
/** A portrait reference: letters, digits and `._:/-`, at most 128 characters. */
export const PORTRAIT_REF_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** A refusal of the registration's free text, or null. Never echoes the input. */
function badRegistrationInput(input: { portraitRef?: string | null; email?: string | null }): TransitionResult | null {
  if (input.email && (input.email.length > MAX_EMAIL_LENGTH || !EMAIL_RE.test(input.email)))
    return err(
      'INVALID_EMAIL',
      `Not an e-mail address (at most ${MAX_EMAIL_LENGTH} characters, a top-level domain of 2 to 63 letters)`,
    );
  if (input.portraitRef && !PORTRAIT_REF_RE.test(input.portraitRef))
    return err('INVALID_INPUT', 'portraitRef: at most 128 letters, digits and . _ : / -');
  return null;
}

/** A refusal of an over-long reason, or null. */
function badReason(reason: string | null | undefined): TransitionResult | null {
  return reason && reason.length > MAX_REASON_LENGTH
    ? err('INVALID_INPUT', `A reason has at most ${MAX_REASON_LENGTH} characters`)
    : null;
}

const err = (code: ServiceErrorCode, message: string): TransitionResult => ({
  account: null,
  userError: { code, message },
  changes: [],
});

const concurrent = (): TransitionResult => err('CONCURRENT_CHANGE', 'The account was changed at the same time; retry');

export class AccountService {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;
  readonly accounts;
  readonly events;
  private readonly guesses;

  constructor(private readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.accounts = deps.store.hubDb.collection<StoredAccount>(ACCOUNTS_COLLECTION);
    this.events = deps.store.hubDb.collection<AccountEventDoc>(ACCOUNT_EVENTS_COLLECTION);
    this.guesses = deps.store.hubDb.collection<{ _id: string; personalId: string; at: Date }>(
      ACCOUNT_CODE_GUESSES_COLLECTION,
    );
  }

  get calendar(): HolidayCalendar {
    return this.deps.calendar;
  }

  /**
   * The account as last committed: the document, rolled forward when `accountEvents` holds a
   * later step (a commit cut short, or another instance's read-modify-write that wrote an older
   * copy back over a committed step).
   */
  async get(personalId: string): Promise<StoredAccount | null> {
    return this.rollForward(personalId, await this.accounts.findOne({ _id: personalId }));
  }

  /** The approval deadline (end of the last working day) for a request received at `at`. */
  approvalDueAt(at: Date, level: 1 | 2, hasChipCard: boolean): Date {
    return endOfVietnamDay(addWorkingDays(at, approvalDeadlineDays({ level, hasChipCard }), this.deps.calendar));
  }

  /**
   * Applies one event to a person's account under the mutex, building the lifecycle's
   * context from the population record, and commits it. `extra` may change the committed
   * account (one-time codes) before the commit.
   */
  async transition(
    personalId: string,
    makeEvent: MakeEvent,
    extra?: (next: StoredAccount) => StoredAccount | Promise<StoredAccount>,
  ): Promise<TransitionResult> {
    return this.mutex.run(personalId, () => this.transitionLocked(personalId, makeEvent, extra));
  }

  /**
   * Every decision of a transition (the event, a one-time code checked by `makeEvent`, the
   * officer's jurisdiction, the lifecycle's guards) is made on `current`, the state the commit's
   * compare-and-set (`<personalId>#<seq + 1>`) is keyed on: if another writer (another hub
   * instance) committed meanwhile, the commit loses and everything is decided again.
   */
  private async transitionLocked(
    personalId: string,
    makeEvent: MakeEvent,
    extra?: (next: StoredAccount) => StoredAccount | Promise<StoredAccount>,
  ): Promise<TransitionResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.get(personalId);
      const at = this.now();
      const event = await makeEvent(current, at);
      if (!('type' in event)) return { account: current, userError: event, changes: [] };
      if (
        event.by.kind === 'officer' &&
        current &&
        event.type !== 'REGISTER_L1' &&
        event.type !== 'REGISTER_L2' &&
        !inJurisdiction(event.by.area, current.area)
      ) {
        return err('OUT_OF_JURISDICTION', 'No account of this person in your area');
      }
      const ctx = await this.contextFor(personalId, current, event);
      const result = apply(current, event, ctx);
      if (!result.ok) return { account: current, userError: result.userError, changes: [] };
      let next = result.account as StoredAccount;
      next.seq = (current?.seq ?? current?.history.length ?? 0) + 1;
      // Pending codes belong to the state they were sent for.
      if (next.status !== 'APPROVED') delete next.activationCode;
      if (next.status !== 'ACTIVE') delete next.phoneChange;
      if (extra) next = await extra(next);
      const committed = await this.commit(current, next, result.entry);
      if (committed === 'conflict') continue;
      return {
        account: next,
        userError: null,
        changes: [
          {
            citizenId: personalId,
            event: event.type,
            from: result.entry.from,
            to: result.entry.to,
            level: result.entry.level,
            by: result.entry.by,
            reason: result.entry.reason,
          },
        ],
      };
    }
    return concurrent();
  }

  private async contextFor(
    personalId: string,
    current: StoredAccount | null,
    event: AccountEvent,
  ): Promise<LifecycleContext> {
    const today = vietnamDate(event.at);
    switch (event.type) {
      case 'REGISTER_L1':
      case 'REGISTER_L2': {
        const person = await this.deps.population(personalId);
        const chip = hasChip(person, today);
        return {
          today,
          person: person
            ? {
                exists: true,
                dateOfBirth: person.dateOfBirth,
                vitalStatus: person.vitalStatus,
                area: person.area,
                hasChipCard: chip,
              }
            : null,
          approvalDueAt: this.approvalDueAt(event.at, event.type === 'REGISTER_L1' ? 1 : 2, chip),
        };
      }
      case 'UPGRADE_TO_L2': {
        const person = await this.deps.population(personalId);
        const chip = hasChip(person, today);
        return {
          today,
          person: { exists: !!person, hasChipCard: chip },
          approvalDueAt: this.approvalDueAt(event.at, 2, chip),
        };
      }
      case 'LOCK':
      case 'UNLOCK': {
        if (event.type === 'LOCK' && event.by.kind !== 'system') return { today };
        if (event.type === 'UNLOCK' && current?.lockReason !== 'ID_CARD_EXPIRED') {
          const person = await this.deps.population(personalId);
          // Only a card that has expired (or whose expiry cannot be read) blocks this unlock: no
          // card on record is not an expired card.
          const known = !!person?.identityCard || idCardExpiryUnreadable(person);
          return { today, idCardValid: known ? idCardValidOn(person, today) : undefined };
        }
        const person = await this.deps.population(personalId);
        return {
          today,
          idCardValid: idCardValidOn(person, today),
          holderDeceased: person?.vitalStatus === 'DECEASED',
        };
      }
      case 'REOPEN':
        return { today, activationCodesExhausted: (current?.activationCode?.attempts ?? 0) >= MAX_CODE_ATTEMPTS };
      default:
        return { today };
    }
  }

  /**
   * Read-repair: if a later step than the account document shows was committed (a commit cut
   * short, or a writer that stalled and wrote an older state back), the document is rolled
   * forward to the latest committed step.
   */
  private async rollForward(id: string, doc: StoredAccount | null): Promise<StoredAccount | null> {
    const latest = await lastEventAfter(this.events, id, doc ? (doc.seq ?? doc.history.length) : 0);
    if (!latest) return doc;
    await replaceOrInsert(this.accounts, latest.account);
    this.deps.caches.accounts.delete(id);
    this.deps.logger.warn({ personalId: id, seq: latest.seq }, 'account rolled forward to its last committed step');
    return latest.account;
  }

  /** Steps 1–4 of the commit; 'conflict' when another writer took this step first. */
  private async commit(
    current: StoredAccount | null,
    next: StoredAccount,
    entry: LifecycleHistoryEntry,
  ): Promise<'ok' | 'conflict'> {
    const id = next._id;
    try {
      await this.events.insertOne({
        _id: `${id}#${next.seq}`,
        personalId: id,
        seq: next.seq!,
        at: entry.at,
        entry,
        account: next,
      });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      // Someone committed this step; the retry rolls the document forward first.
      return 'conflict';
    }
    await replaceOrInsert(this.accounts, next);
    this.deps.caches.accounts.delete(id);
    // A writer that stalled between its two steps may have overwritten a later state: repair.
    if (await this.events.findOne({ _id: `${id}#${next.seq! + 1}` })) await this.rollForward(id, next);
    const fact: TransitionFact = {
      personalId: id,
      area: next.area,
      areaBefore: current?.area ?? null,
      at: entry.at,
      event: entry.event,
      from: current ? current.status : null,
      to: next.status,
      levelBefore: current ? current.level : null,
      levelAfter: next.level,
      pendingUpgradeAfter: next.pendingLevel === 2,
      approvalDueAt: next.approvalDueAt ?? null,
      notifiedAt: next.notifiedAt ?? null,
    };
    try {
      await this.deps.reports.apply(opsForTransition(fact));
    } catch (e) {
      // The transition stands; the counters are rebuilt by `npm run reports:rebuild`.
      this.deps.logger.error({ err: e, personalId: id }, 'report counters not updated: run reports:rebuild');
    }
    return 'ok';
  }

  // -------------------------------------------------------------------------------------------
  // Operations (each returns the account after it, or a user error)
  // -------------------------------------------------------------------------------------------

  /** The citizen registers Level 1 in the app; an automatic check approves it when the chip card was read. */
  async registerLevel1(
    personalId: string,
    input: { phone: string; portraitRef: string; email?: string | null },
  ): Promise<TransitionResult> {
    const bad = badRegistrationInput(input);
    if (bad) return bad;
    const r = await this.transition(personalId, (_a, at) => ({
      type: 'REGISTER_L1',
      at,
      by: { kind: 'citizen' },
      personalId,
      phone: input.phone,
      portraitRef: input.portraitRef,
      ...(input.email ? { email: input.email } : {}),
    }));
    if (r.userError || !r.account) return r;
    if (!r.account.hasChipCard) return r; // an officer of the area decides (7 working days)
    const approved = await this.decide(
      personalId,
      { kind: 'system' },
      'APPROVE',
      'automatic check against the population database',
    );
    return merge(r, approved);
  }

  /** An officer registers Level 2 in person (fingerprints captured). */
  async registerLevel2(
    by: Extract<Actor, { kind: 'officer' }>,
    personalId: string,
    input: { phone: string; fingerprintsCaptured: boolean; portraitRef?: string | null; email?: string | null },
  ): Promise<TransitionResult> {
    const bad = badRegistrationInput(input);
    if (bad) return bad;
    return this.transition(personalId, (_a, at) => ({
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

  async upgrade(by: Extract<Actor, { kind: 'officer' }>, personalId: string, fingerprintsCaptured: boolean) {
    return this.transition(personalId, (_a, at) => ({ type: 'UPGRADE_TO_L2', at, by, fingerprintsCaptured }));
  }

  /** Approve or reject (an officer of the area, or the system); an approval is notified at once. */
  async decide(
    personalId: string,
    by: Actor,
    decision: 'APPROVE' | 'REJECT',
    reason?: string,
  ): Promise<TransitionResult> {
    const bad = badReason(reason);
    if (bad) return bad;
    const r = await this.transition(personalId, (_a, at) =>
      decision === 'APPROVE'
        ? { type: 'APPROVE', at, by, ...(reason ? { reason } : {}) }
        : { type: 'REJECT', at, by, reason: reason ?? '' },
    );
    if (r.userError || !r.account) return r;
    if (decision === 'REJECT') {
      await this.notice(r.account, 'ACCOUNT_REJECTED', { reason: reason ?? '' });
      return r;
    }
    if (r.account.status !== 'APPROVED') return r;
    return merge(r, await this.notifyApproval(personalId));
  }

  /** A notice that starts nothing (rejection, lock): best effort, a failure is logged. */
  private async notice(
    account: StoredAccount,
    template: 'ACCOUNT_REJECTED' | 'ACCOUNT_LOCKED',
    params: Record<string, string>,
  ): Promise<void> {
    try {
      await this.deps.notifier.send({ personalId: account._id, channel: 'SMS', to: account.phone, template, params });
    } catch (e) {
      this.deps.logger.warn({ err: e, personalId: account._id, template }, 'notice not sent');
    }
  }

  /** Sends the approval notice with a new activation code (SMS to the account's phone); starts the 7-day window. */
  async notifyApproval(personalId: string): Promise<TransitionResult> {
    let sent: { code: string; stored: OneTimeCode; channel: NotifyChannel } | null = null;
    const r = await this.transition(
      personalId,
      (account, at) => {
        if (!account) return { code: 'NO_ACCOUNT', message: 'No account' };
        return { type: 'NOTIFY', at, by: { kind: 'system' }, channel: 'SMS' };
      },
      async (next) => {
        const at = next.notifiedAt!;
        const { code, stored } = await newCode(at, activationDeadline(at).getTime() - at.getTime());
        const channel: NotifyChannel = 'SMS';
        // Sent before the commit: if the gateway refuses, nothing is committed and the sweep retries.
        await this.deps.notifier.send({
          personalId,
          channel,
          to: next.phone,
          template: 'ACCOUNT_APPROVED',
          params: { code, activateBy: vietnamDate(activationDeadline(at)) },
        });
        sent = { code, stored, channel };
        return { ...next, activationCode: { ...stored, firstSentAt: at, resends: 0 }, notifyChannel: channel };
      },
    ).catch((e: unknown) => {
      this.deps.logger.warn({ err: e, personalId }, 'approval notice not sent; the sweep retries');
      return null;
    });
    void sent;
    return r ?? { account: await this.get(personalId), userError: null, changes: [] };
  }

  /** A new activation code within the same window (the window does not restart). */
  async resendActivationCode(personalId: string): Promise<TransitionResult> {
    return this.mutex.run(personalId, async () => {
      const account = await this.get(personalId);
      if (!account) return err('NO_ACCOUNT', 'This person has no account');
      if (account.status !== 'APPROVED' || !account.notifiedAt) {
        return { ...err('ILLEGAL_TRANSITION', `No activation is pending (account is ${account.status})`), account };
      }
      const now = this.now();
      const deadline = activationDeadline(account.notifiedAt);
      if (now > deadline) {
        return {
          ...err('ACTIVATION_WINDOW_CLOSED', 'The 7-day window has closed; an officer must reopen the account'),
          account,
        };
      }
      const prev = account.activationCode;
      if (prev && prev.attempts >= MAX_CODE_ATTEMPTS) {
        return {
          ...err('TOO_MANY_ATTEMPTS', 'Too many wrong codes: call the hotline, or an officer reopens the account'),
          account,
        };
      }
      const resends = prev?.resends ?? 0;
      if (prev && (resends >= MAX_CODE_SENDS || now.getTime() - prev.sentAt.getTime() < MIN_CODE_INTERVAL_MS)) {
        return {
          ...err('TOO_MANY_CODES', `At most ${MAX_CODE_SENDS} new codes per window, a minute apart; call the hotline`),
          account,
        };
      }
      const { code, stored } = await newCode(now, deadline.getTime() - now.getTime());
      try {
        await this.deps.notifier.send({
          personalId,
          channel: 'SMS',
          to: account.phone,
          template: 'ACCOUNT_APPROVED',
          params: { code, activateBy: vietnamDate(deadline) },
        });
      } catch (e) {
        this.deps.logger.warn({ err: e, personalId }, 'activation code not sent');
        return { ...err('NOTICE_NOT_SENT', 'The code could not be sent; try again later'), account };
      }
      // Wrong attempts carry over: a new code does not buy more guesses.
      const activationCode: OneTimeCode = {
        ...stored,
        attempts: prev?.attempts ?? 0,
        resends: resends + 1,
        firstSentAt: prev?.firstSentAt ?? now,
      };
      // Only onto the account as checked above (another instance may have activated it meanwhile).
      const written = await this.accounts.updateOne(asRead(account), { $set: { activationCode } });
      if (written.matchedCount !== 1) return { ...concurrent(), account: await this.get(personalId) };
      return { account: { ...account, activationCode }, userError: null, changes: [] };
    });
  }

  /**
   * The citizen activates with the one-time code, within 7 days of the notice. The code is
   * checked inside the transition, on the account the activation commits against, and removed
   * by that commit: single use, even when several requests (or hub instances) race.
   */
  async activate(personalId: string, code: string): Promise<TransitionResult> {
    return this.transition(personalId, async (account, at) => {
      if (!account) return { code: 'NO_ACCOUNT', message: 'This person has no account' };
      // No code and not APPROVED: the lifecycle refuses ACTIVATE on this very state and says why.
      if (account.activationCode || account.status === 'APPROVED') {
        const bad = await this.verifyCode(account, 'activationCode', code);
        if (bad) return bad;
      }
      return { type: 'ACTIVATE', at, by: { kind: 'citizen' } };
    });
  }

  /**
   * Verifies a one-time code against the account as the transition read it; null when it
   * matches. Every wrong code takes the next free guess slot of that code: an insert into
   * `accountCodeGuesses` with `_id` = `<personalId>|<field>|<hash>|<n>` (a unique `_id` is the one
   * compare-and-set the embedded store makes atomic), so concurrent guesses, on any hub instance,
   * never get past {@link MAX_CODE_ATTEMPTS}; the account's `attempts` follows (a lower bound
   * when instances race). A right code is accepted only while the last slot is free. The
   * activation window is the lifecycle's to judge.
   */
  private async verifyCode(
    account: StoredAccount,
    field: 'activationCode' | 'phoneChange',
    code: string,
  ): Promise<ServiceUserError | null> {
    const stored = account[field];
    if (!stored) return { code: 'NO_CODE_PENDING', message: 'No code was sent for this' };
    const tooMany: ServiceUserError = {
      code: 'TOO_MANY_ATTEMPTS',
      message: 'Too many wrong codes: ask for a new code',
    };
    if (stored.attempts >= MAX_CODE_ATTEMPTS) return tooMany;
    if (field === 'phoneChange' && this.now() > stored.expiresAt) {
      return { code: 'CODE_EXPIRED', message: 'The code has expired: ask for a new one' };
    }
    const slot = (n: number) => `${account._id}|${field}|${stored.hash.slice(0, 24)}|${n}`;
    if (/^\d{6}$/.test(code) && (await codeMatches(stored, code))) {
      return (await this.guesses.findOne({ _id: slot(MAX_CODE_ATTEMPTS) })) ? tooMany : null;
    }
    for (let n = stored.attempts + 1; n <= MAX_CODE_ATTEMPTS; n++) {
      try {
        await this.guesses.insertOne({ _id: slot(n), personalId: account._id, at: this.now() });
      } catch (e) {
        if (isDuplicateKey(e)) continue; // a guess made meanwhile (another instance) took it
        throw e;
      }
      await this.accounts.updateOne({ _id: account._id, [`${field}.hash`]: stored.hash } as Filter<StoredAccount>, {
        $inc: { [`${field}.attempts`]: 1 },
      });
      const left = MAX_CODE_ATTEMPTS - n;
      return { code: 'INVALID_CODE', message: `Wrong code (${left} attempt${left === 1 ? '' : 's'} left)` };
    }
    return tooMany;
  }

  async reopen(by: Actor, personalId: string): Promise<TransitionResult> {
    const r = await this.transition(personalId, (_a, at) => ({ type: 'REOPEN', at, by }));
    if (r.userError || !r.account) return r;
    return merge(r, await this.notifyApproval(personalId));
  }

  async lock(
    by: Actor,
    personalId: string,
    opts: { via?: 'APP' | 'HOTLINE' | 'IN_PERSON'; reason?: string | null } = {},
  ): Promise<TransitionResult> {
    const bad = badReason(opts.reason);
    if (bad) return bad;
    const r = await this.transition(personalId, (_a, at) => ({
      type: 'LOCK',
      at,
      by,
      ...(opts.via ? { via: opts.via } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
    }));
    if (!r.userError && r.account && r.account.lockReason !== 'HOLDER_DECEASED') {
      await this.notice(r.account, 'ACCOUNT_LOCKED', { reason: r.account.lockReason ?? '' });
    }
    return r;
  }

  async unlock(by: Actor, personalId: string, ownershipVerified: boolean, reason?: string | null) {
    const bad = badReason(reason);
    if (bad) return bad;
    return this.transition(personalId, (_a, at) => ({
      type: 'UNLOCK',
      at,
      by,
      ownershipVerified,
      ...(reason ? { reason } : {}),
    }));
  }

  /** The holder asks to move the account to a new number: a code goes to the new number. */
  async startPhoneChange(personalId: string, rawPhone: string): Promise<TransitionResult> {
    return this.mutex.run(personalId, async () => {
      const account = await this.get(personalId);
      if (!account) return err('NO_ACCOUNT', 'This person has no account');
      if (account.status !== 'ACTIVE') {
        return {
          ...err('NOT_PERMITTED', `Online phone change needs an ACTIVE account (this one is ${account.status})`),
          account,
        };
      }
      const phone = normalizePhone(rawPhone);
      if (!phone) return { ...err('INVALID_PHONE', INVALID_PHONE_MESSAGE), account };
      if (phone === account.phone) return { ...err('PHONE_UNCHANGED', 'The new number is the current one'), account };
      const now = this.now();
      const prev = account.phoneChange;
      const recent = !!prev?.firstSentAt && now.getTime() - prev.firstSentAt.getTime() < 3_600_000;
      const sends = recent ? (prev!.resends ?? 0) + 1 : 0;
      if (prev && (sends >= MAX_CODE_SENDS || now.getTime() - prev.sentAt.getTime() < MIN_CODE_INTERVAL_MS)) {
        return {
          ...err('TOO_MANY_CODES', `At most ${MAX_CODE_SENDS} codes an hour, a minute apart; change it in person`),
          account,
        };
      }
      const { code, stored } = await newCode(now, PHONE_CODE_TTL_MS);
      try {
        await this.deps.notifier.send({
          personalId,
          channel: 'SMS',
          to: phone,
          template: 'PHONE_VERIFICATION',
          params: { code },
        });
      } catch (e) {
        this.deps.logger.warn({ err: e, personalId }, 'phone verification code not sent');
        return { ...err('NOTICE_NOT_SENT', 'The code could not be sent; try again later'), account };
      }
      const phoneChange = {
        ...stored,
        phone,
        attempts: recent ? prev!.attempts : 0,
        resends: sends,
        firstSentAt: recent ? prev!.firstSentAt : now,
      };
      // Only onto the account as checked above (another instance may have locked it meanwhile).
      const written = await this.accounts.updateOne(asRead(account), { $set: { phoneChange } });
      if (written.matchedCount !== 1) return { ...concurrent(), account: await this.get(personalId) };
      return { account: { ...account, phoneChange }, userError: null, changes: [] };
    });
  }

  /**
   * Officer in person (no code), or the holder with the code sent to the new number. Every
   * check (ACTIVE, the pending number, the code) is made inside the transition on the account
   * the change commits against; only a code checked there marks the change as verified.
   */
  async changePhone(by: Actor, personalId: string, rawPhone: string, code?: string | null): Promise<TransitionResult> {
    return this.transition(
      personalId,
      async (account, at): Promise<AccountEvent | ServiceUserError> => {
        const event: AccountEvent = { type: 'PHONE_CHANGE', at, by, phone: rawPhone };
        // No account, or not ACTIVE: the lifecycle refuses a holder's change on this very state.
        if (by.kind !== 'citizen' || !account || account.status !== 'ACTIVE') return event;
        const pending = account.phoneChange;
        if (!pending || normalizePhone(rawPhone) !== pending.phone) {
          return {
            code: 'NO_CODE_PENDING',
            message: 'Ask for a code to the new number first (accountPhoneChangeStart)',
          };
        }
        if (!code)
          return { code: 'PHONE_NOT_VERIFIED', message: 'Confirm the verification code sent to the new number' };
        const bad = await this.verifyCode(account, 'phoneChange', code);
        if (bad) return bad;
        return { ...event, verificationCodeConfirmed: true };
      },
      (next) => {
        delete next.phoneChange;
        return next;
      },
    );
  }
}

function merge(a: TransitionResult, b: TransitionResult): TransitionResult {
  return {
    account: b.account ?? a.account,
    userError: b.userError,
    changes: [...a.changes, ...b.changes],
  };
}
