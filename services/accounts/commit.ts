/**
 * How the account operations change an account: read what the lifecycle needs (the account,
 * the population record, the calendar), apply one event with the pure state machine, and
 * commit the result. A commit is:
 *
 * 0. the change announced in `accountChanges` (other instances forget the account's facts:
 *    services/access/account-feed.ts);
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
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { KeyedMutex, isDuplicateKey, lastEventAfter, replaceOrInsert } from '../../store/concurrency';
import type { Store } from '../../store/connection';
import type { CitizenRecord } from '../../connectors/population/connector';
import type { AccessCaches } from '../access/access';
import { ACCOUNT_FEED_TIMING, CLOCK_SKEW_MS, announceAccountChangeRetrying } from '../access/account-feed';
import { inJurisdiction } from '../access/policy';
import { addWorkingDays, approvalDeadlineDays, endOfVietnamDay, vietnamDate, type HolidayCalendar } from './calendar';
import { ACCOUNT_CODE_GUESSES_COLLECTION, MAX_CODE_ATTEMPTS, type CodeChecker, type CodeGuessDoc } from './codes';
import { cardOnRecord, hasChip, holderCardValidOn, residenceCardValidOn } from './id-card';
import { apply } from './lifecycle/machine';
import type {
  AccountEvent,
  AccountEventDoc,
  BeforeCommit,
  LifecycleContext,
  LifecycleHistoryEntry,
  MakeEvent,
  StoredAccount,
  TransitionResult,
} from './model';
import type { Notifier } from './notifier';
import { opsForTransition, type TransitionFact } from './reports/ops';
import type { ReportWriter } from './reports/writer';
import { concurrent, err } from './results';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION } from './store';

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

/** Reads, applies and commits the transitions of accounts (see the module comment). */
export class AccountCommitter implements CodeChecker {
  readonly mutex = new KeyedMutex();
  readonly now: () => Date;
  readonly accounts;
  readonly events;
  readonly guesses;

  constructor(readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.accounts = deps.store.hubDb.collection<StoredAccount>(ACCOUNTS_COLLECTION);
    this.events = deps.store.hubDb.collection<AccountEventDoc>(ACCOUNT_EVENTS_COLLECTION);
    this.guesses = deps.store.hubDb.collection<CodeGuessDoc>(ACCOUNT_CODE_GUESSES_COLLECTION);
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
  async transition(personalId: string, makeEvent: MakeEvent, extra?: BeforeCommit): Promise<TransitionResult> {
    return this.mutex.run(personalId, () => this.transitionLocked(personalId, makeEvent, extra));
  }

  /** A notice that starts nothing (rejection, lock): best effort, a failure is logged. */
  async notice(
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

  /**
   * Every decision of a transition (the event, a one-time code checked by `makeEvent`, the
   * officer's jurisdiction, the lifecycle's guards) is made on `current`, the state the commit's
   * compare-and-set (`<personalId>#<seq + 1>`) is keyed on: if another writer (another hub
   * instance) committed meanwhile, the commit loses and everything is decided again.
   */
  private async transitionLocked(
    personalId: string,
    makeEvent: MakeEvent,
    extra?: BeforeCommit,
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

  /** What the lifecycle needs to judge the event: the population record, deadlines, the card. */
  private async contextFor(
    personalId: string,
    current: StoredAccount | null,
    event: AccountEvent,
  ): Promise<LifecycleContext> {
    const today = vietnamDate(event.at);
    switch (event.type) {
      case 'REGISTER_L1':
      case 'REGISTER_L2':
      case 'UPGRADE_TO_L2': {
        const person = await this.deps.population(personalId);
        const chip = hasChip(person, today);
        const residenceCard = residenceCardValidOn(person, today);
        const level = event.type === 'REGISTER_L1' ? 1 : 2;
        return {
          today,
          person: person
            ? {
                exists: true,
                dateOfBirth: person.dateOfBirth,
                vitalStatus: person.vitalStatus,
                nationality: person.nationality,
                identityCardValid: chip,
                residenceCardValid: residenceCard,
                area: person.area,
                hasChipCard: chip,
              }
            : event.type === 'UPGRADE_TO_L2'
              ? { exists: false, hasChipCard: false }
              : null,
          // Decree 69 Art. 13: a valid card (chip ID card, or a foreigner's residence card) gives
          // 1 / 3 working days, none or an expired one 7; foreigners likewise.
          approvalDueAt: this.approvalDueAt(event.at, level, chip || residenceCard),
        };
      }
      case 'LOCK':
      case 'UNLOCK': {
        if (event.type === 'LOCK' && event.by.kind !== 'system') return { today };
        if (event.type === 'UNLOCK' && current?.lockReason !== 'ID_CARD_EXPIRED') {
          const person = await this.deps.population(personalId);
          // Only a card that has expired (or whose expiry cannot be read) blocks this unlock: no
          // card on record is not an expired card. A foreigner's card is the residence card.
          return { today, idCardValid: cardOnRecord(person) ? holderCardValidOn(person, today) : undefined };
        }
        const person = await this.deps.population(personalId);
        return {
          today,
          idCardValid: holderCardValidOn(person, today),
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
    const seq = next.seq!;
    // Other instances forget this account's facts when they read the announcement (throws,
    // committing nothing, when the store acknowledged it too late: services/access/account-feed.ts).
    const announcedAt = await announceAccountChangeRetrying(this.deps.store, id);
    try {
      await this.events.insertOne({ _id: `${id}#${seq}`, personalId: id, seq, at: entry.at, entry, account: next });
    } catch (e) {
      if (!isDuplicateKey(e)) {
        // The insert may still land (a timeout, a reconnect), past the feed's settling time.
        this.announceAgain(id);
        throw e;
      }
      // Someone committed this step; the retry rolls the document forward first.
      return 'conflict';
    }
    this.deps.caches.accounts.delete(id);
    // The event may have landed after the feed's settling time (on either clock): announce again.
    if (Date.now() - announcedAt >= ACCOUNT_FEED_TIMING.settleMs - CLOCK_SKEW_MS) this.announceAgain(id);
    await replaceOrInsert(this.accounts, next);
    this.deps.caches.accounts.delete(id);
    // A writer that stalled between its two steps may have overwritten a later state: repair.
    if (await this.events.findOne({ _id: `${id}#${seq + 1}` })) await this.rollForward(id, next);
    await this.updateReports(current, next, entry);
    return 'ok';
  }

  /**
   * Announces the change again, in the background, until the store takes it in time (every 1 s,
   * for the feed's maximum age: past it no hub serves facts read before the event anyway).
   */
  private announceAgain(id: string): void {
    const until = Date.now() + ACCOUNT_FEED_TIMING.maxAgeMs;
    const attempt = async (): Promise<void> => {
      try {
        await announceAccountChangeRetrying(this.deps.store, id);
      } catch (e) {
        if (Date.now() + 1_000 < until) {
          await sleep(1_000);
          return attempt();
        }
        this.deps.logger.error({ err: e, personalId: id }, 'account change not announced again after a slow commit');
      }
    };
    void attempt();
  }

  /** Step 4: the report counters and lists; a failure is logged (the transition stands). */
  private async updateReports(
    current: StoredAccount | null,
    next: StoredAccount,
    entry: LifecycleHistoryEntry,
  ): Promise<void> {
    const fact: TransitionFact = {
      personalId: next._id,
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
      groups: next.groups ?? [],
      groupsBefore: current ? (current.groups ?? []) : null,
    };
    try {
      await this.deps.reports.apply(opsForTransition(fact));
    } catch (e) {
      // The transition stands; the counters are rebuilt by `npm run reports:rebuild`.
      this.deps.logger.error({ err: e, personalId: next._id }, 'report counters not updated: run reports:rebuild');
    }
  }
}
