/**
 * The account-change feed: how a hub process keeps an account's level and status longer than the
 * 2 s cache without breaking the revocation bound (a change takes effect within 2 s in every
 * instance; at once in the one that made it).
 *
 * Every committed transition is announced first (services/accounts/commit.ts): before its event
 * is inserted, one document `<ms>|<personalId>|<nonce>` goes into `hub.accountChanges` (`_id`
 * ordered by the time it was announced, ranges of it indexed by the embedded store). A bulk write
 * outside the accounts service (seeding) announces `*`: every account. Each process reads the
 * feed every `pollMs` and forgets the facts of the accounts named. Three rules make that enough:
 *
 * 1. An announcement acknowledged more than `maxDelayMs` after its time commits nothing (the
 *    committer throws {@link LateAnnouncementError} and writes no event). So a poll that started
 *    at P has seen every announcement whose time is ≤ P − maxDelayMs: the feed has **covered**
 *    up to there.
 * 2. The event of an announced change lands within `settleMs` of its announcement (a committer
 *    whose event write returns later announces again). Facts read at S are **settled** for an
 *    account when every change announced for it is older than S − settleMs: the read saw them.
 * 3. Facts read at S are served at t, past the plain 2 s, only while the feed has covered up to
 *    t − 2 s, the account is settled at S, and t − S < `maxAgeMs` (a write that bypassed the
 *    feed is seen within that). Otherwise the account is read again, as before the feed.
 *
 * So a change announced at T is seen by every instance whose cache would serve facts read before
 * T + settleMs, from T + 2 s at the latest; its event lands after T, so within 2 s of committing.
 * A poll that fails or lags simply leaves rule 3 unmet: the lookups read the store again. The
 * instances' clocks are taken to agree within {@link CLOCK_SKEW_MS} (NTP).
 */
import type { Store } from '../../store/connection';
import { LateWriteError } from '../../store/concurrency';
import { readToEnd } from '../../store/cursors';
import { ACCOUNT_CHANGES } from '../../store/localdb';
import { msKey, randomId } from '../../lib/ids';

export const ACCOUNT_CHANGES_COLLECTION = ACCOUNT_CHANGES;

/** The personal ID of an announcement that names every account (a bulk write, seeding). */
export const EVERY_ACCOUNT = '*';

/** What the feed holds per announcement. */
export interface AccountChangeDoc {
  _id: string;
  personalId: string;
  at: Date;
}

/** How far the instances' clocks may disagree. */
export const CLOCK_SKEW_MS = 250;

export interface AccountFeedTiming {
  /** Time between polls. Default 250 ms. */
  pollMs: number;
  /** An announcement acknowledged later than this after its time commits nothing. Default 1 s. */
  maxDelayMs: number;
  /** An announced change's event lands within this of the announcement. Default 10 s. */
  settleMs: number;
  /** Facts are served on the feed's word at most this long after they were read. Default 60 s. */
  maxAgeMs: number;
  /** The revocation bound. Default 2 s (the caches' TTL). */
  boundMs: number;
  /** Announcements are kept this long (then deleted by any instance). Default 10 minutes. */
  retentionMs: number;
}

export const ACCOUNT_FEED_TIMING: AccountFeedTiming = {
  pollMs: 250,
  maxDelayMs: 1_000,
  settleMs: 10_000,
  maxAgeMs: 60_000,
  boundMs: 2_000,
  retentionMs: 10 * 60_000,
};

/** An announcement came back too late to commit on (rule 1): nothing was committed; try again. */
export class LateAnnouncementError extends LateWriteError {
  constructor(personalId: string, delayMs: number) {
    super(`the change of account ${personalId} was announced ${Math.round(delayMs)} ms late: not committed`);
  }

  override get name(): string {
    return 'LateAnnouncementError';
  }
}

/**
 * Announces a change of `personalId` (or {@link EVERY_ACCOUNT}) and returns its time (epoch ms).
 * Throws {@link LateAnnouncementError} when the store acknowledged it later than `maxDelayMs`:
 * the caller must then not commit.
 */
export async function announceAccountChange(
  store: Store,
  personalId: string,
  timing: Pick<AccountFeedTiming, 'maxDelayMs'> = ACCOUNT_FEED_TIMING,
): Promise<number> {
  const at = Date.now();
  await store.hubDb
    .collection<AccountChangeDoc>(ACCOUNT_CHANGES_COLLECTION)
    .insertOne({ _id: `${msKey(at)}|${personalId}|${randomId(6)}`, personalId, at: new Date(at) });
  const delay = Date.now() - at;
  if (delay > timing.maxDelayMs) throw new LateAnnouncementError(personalId, delay);
  return at;
}

/**
 * {@link announceAccountChange}, announced again (with a new time) when the store acknowledged it
 * too late, up to `attempts` times; throws the last {@link LateAnnouncementError}.
 */
export async function announceAccountChangeRetrying(store: Store, personalId: string, attempts = 3): Promise<number> {
  for (let i = 1; ; i++) {
    try {
      return await announceAccountChange(store, personalId);
    } catch (e) {
      if (!(e instanceof LateAnnouncementError) || i >= attempts) throw e;
    }
  }
}

/** One process's reader of the feed (see the module comment). */
export class AccountChangeFeed {
  readonly timing: AccountFeedTiming;
  /** Facts read before this are never served on the feed's word (the first poll reads back to settleMs before it). */
  private readonly trustFrom: number;
  /** The next poll reads announcements from this instant on. */
  private readFrom: number;
  /** Every announcement with a time ≤ this has been seen (rule 1). */
  private coveredUntil = -Infinity;
  /** The latest announcement seen per account (kept while it can still matter). */
  private readonly lastChange = new Map<string, number>();
  private everyAccountAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastTrim = 0;
  /** Polls that failed (the store down or slow): the lookups then read the store. */
  failures = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: {
      /** Called for each account an announcement names (EVERY_ACCOUNT: all). */
      onChange: (personalId: string) => void;
      logger?: { warn(obj: object, msg?: string): void };
      timing?: Partial<AccountFeedTiming>;
    },
  ) {
    this.timing = { ...ACCOUNT_FEED_TIMING, ...opts.timing };
    this.trustFrom = Date.now();
    this.readFrom = this.trustFrom - this.timing.settleMs - this.timing.maxDelayMs - CLOCK_SKEW_MS;
  }

  /** Polls now and every `pollMs` until {@link stop}. */
  start(): void {
    const tick = () => {
      this.running = this.poll()
        .catch((err: unknown) => {
          this.failures++;
          this.opts.logger?.warn({ err }, 'account-change feed not read: accounts are read at each request');
        })
        .finally(() => {
          this.running = null;
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.timing.pollMs);
            this.timer.unref();
          }
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves after the next poll that starts from now on has read the feed (tests, tools). */
  nextPoll(): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ after: Date.now(), resolve }));
  }

  private waiters: Array<{ after: number; resolve: () => void }> = [];

  /** One read of the feed ({@link start} calls it every `pollMs`). */
  async poll(): Promise<void> {
    const started = Date.now();
    const waiting = this.waiters.filter((w) => w.after <= started);
    this.waiters = this.waiters.filter((w) => w.after > started);
    try {
      await this.read(started);
    } catch (e) {
      this.waiters.push(...waiting);
      throw e;
    }
    for (const w of waiting) w.resolve();
  }

  private async read(started: number): Promise<void> {
    const coll = this.store.hubDb.collection<AccountChangeDoc>(ACCOUNT_CHANGES_COLLECTION);
    const cursor = coll.find({ _id: { $gte: msKey(this.readFrom) } }, { projection: { personalId: 1, at: 1 } });
    for await (const d of readToEnd(cursor)) {
      const at = d.at instanceof Date ? d.at.getTime() : NaN;
      if (!Number.isFinite(at) || typeof d.personalId !== 'string') continue;
      if (d.personalId === EVERY_ACCOUNT) this.everyAccountAt = Math.max(this.everyAccountAt, at);
      else this.lastChange.set(d.personalId, Math.max(this.lastChange.get(d.personalId) ?? -Infinity, at));
      this.opts.onChange(d.personalId);
    }
    // Announcements after this may not be visible yet (rule 1): the next poll reads them again.
    const covered = started - this.timing.maxDelayMs - CLOCK_SKEW_MS;
    this.readFrom = covered;
    this.coveredUntil = covered;
    this.forgetOld(started);
    if (started - this.lastTrim > this.timing.retentionMs / 10) {
      this.lastTrim = started;
      await coll.deleteMany({ _id: { $lt: msKey(started - this.timing.retentionMs) } });
    }
  }

  /** Whether facts of `personalId` read at `readAt` may be served at `now` (rule 3). */
  trusts(personalId: string, readAt: number, now = Date.now()): boolean {
    const t = this.timing;
    if (this.stopped || readAt < this.trustFrom || now - readAt >= t.maxAgeMs) return false;
    if (this.coveredUntil < now - t.boundMs) return false;
    const last = Math.max(this.lastChange.get(personalId) ?? -Infinity, this.everyAccountAt);
    // On the reader's clock, which may be CLOCK_SKEW_MS behind the committer's.
    return last + t.settleMs + CLOCK_SKEW_MS < readAt;
  }

  /** An announcement matters while facts read up to settleMs after it could be served. */
  private forgetOld(now: number): void {
    const before = now - this.timing.settleMs - this.timing.maxAgeMs - CLOCK_SKEW_MS;
    for (const [id, at] of this.lastChange) if (at < before) this.lastChange.delete(id);
  }
}
