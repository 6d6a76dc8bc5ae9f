import DataLoader from 'dataloader';
import type { Store } from '../../store/connection';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../accounts/store';
import { lastEventAfter } from '../../store/concurrency';
import { ClientCache } from './clients';
import { ConsentStatusCache } from './consents/cache';
import { consentUsable } from './consents/status';
import { RestrictionCache } from './restrictions';
import type { AccessLookups, AccountFacts, Guardianship } from './policy';
import { AccountChangeFeed, EVERY_ACCOUNT, type AccountFeedTiming } from './account-feed';
import { LRUCache } from 'lru-cache';

/**
 * The lookups the disclosure policy makes, over the hub's own store: accounts,
 * consents and clients, each read by `_id` (the only filter FerretDB pushes down)
 * and cached for a short time across requests, so that a level, status or consent
 * change takes effect within `ttlMs` (default 2 s). An account's facts are kept longer
 * while the account-change feed vouches for them (account-feed.ts: the same bound).
 */

/** An account's facts and when the read that found them started (epoch ms). */
interface CachedFacts {
  facts: AccountFacts | null;
  readAt: number;
}

/**
 * Accounts' facts: served for `ttlMs` after the read that found them started, and after that
 * while the account-change feed (when one is attached and running) trusts them. Least recently
 * set out past `maxEntries`.
 */
export class AccountFactsCache {
  private readonly map = new Map<string, CachedFacts>();
  /** The feed that vouches for facts past the TTL (none: the TTL alone). */
  feed: AccountChangeFeed | null = null;
  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = ACCOUNT_STEPS_MAX,
  ) {}

  get(id: string, now = Date.now()): AccountFacts | null | undefined {
    const e = this.map.get(id);
    if (!e) return undefined;
    if (now - e.readAt < this.ttlMs || this.feed?.trusts(id, e.readAt, now)) return e.facts;
    this.map.delete(id);
    return undefined;
  }

  /** Facts found by a read that started at `readAt`. */
  set(id: string, facts: AccountFacts | null, readAt = Date.now()): void {
    this.map.delete(id);
    this.map.set(id, { facts, readAt });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  delete(id: string): void {
    this.map.delete(id);
  }

  clear(): void {
    this.map.clear();
  }
}

/** An account's facts as of one committed step (`seq`: the number of its transitions). */
export interface AccountStep {
  seq: number;
  facts: AccountFacts | null;
}

/** Accounts whose last seen step is kept (about 100 bytes each). */
export const ACCOUNT_STEPS_MAX = 100_000;

/** Process-wide caches behind the per-request lookups (the same TTL for all). */
export class AccessCaches {
  readonly accounts: AccountFactsCache;
  /**
   * The last committed step seen per account, kept past the TTL (least recently used out): every
   * transition is committed as the event `<personalId>#<seq>` (services/accounts/service.ts), so
   * once the TTL has passed, one `_id` read of the next event says whether these facts still hold.
   */
  readonly accountSteps: LRUCache<string, AccountStep>;
  readonly consents: ConsentStatusCache;
  readonly clients: ClientCache;
  readonly restrictions: RestrictionCache;
  /** Counts the feed's announcements of every account: a lookup begun before one keeps nothing. */
  generation = 0;
  constructor(store: Store, ttlMs = 2_000) {
    this.accounts = new AccountFactsCache(ttlMs);
    this.accountSteps = new LRUCache({ max: ACCOUNT_STEPS_MAX });
    this.consents = new ConsentStatusCache(store, { ttlMs });
    this.clients = new ClientCache(store, { ttlMs });
    this.restrictions = new RestrictionCache(store, ttlMs);
  }

  /**
   * Keeps accounts' facts past the TTL while the account-change feed vouches for them; the feed
   * forgets the facts of every account it names. Returns the feed, started ({@link AccountChangeFeed.stop} it).
   */
  followAccountChanges(
    store: Store,
    opts: { logger?: { warn(obj: object, msg?: string): void }; timing?: Partial<AccountFeedTiming> } = {},
  ): AccountChangeFeed {
    const feed = new AccountChangeFeed(store, {
      ...opts,
      onChange: (personalId) => {
        // A known step stays right for one account (the next lookup reads the events after it);
        // a bulk write (seeding) may have restarted the steps.
        if (personalId === EVERY_ACCOUNT) {
          this.generation++;
          this.accounts.clear();
          this.accountSteps.clear();
        } else this.accounts.delete(personalId);
      },
    });
    this.accounts.feed = feed;
    feed.start();
    return feed;
  }
}

async function readById<T>(store: Store, collection: string, id: string): Promise<T | null> {
  return (await store.hubDb.collection(collection).findOne({ _id: id as never })) as T | null;
}

const factsOf = (doc: AccountDoc | null): AccountFacts | null =>
  doc ? { level: doc.level, status: doc.status } : null;

/**
 * An account's facts as of its last committed step. The last committed step decides, not an older
 * copy written back over the document (the embedded store's updates are read-modify-writes of the
 * whole document): the document is rolled forward through `accountEvents`. When a step of this
 * account was seen before (`known`), the document is not read again: only the events after it.
 */
export async function accountStep(store: Store, id: string, known?: AccountStep): Promise<AccountStep> {
  const events = store.hubDb.collection<{ _id: string; seq: number; account: AccountDoc }>(ACCOUNT_EVENTS_COLLECTION);
  if (known) {
    const later = await lastEventAfter(events, id, known.seq);
    return later ? { seq: later.seq, facts: factsOf(later.account) } : known;
  }
  const doc = await readById<AccountDoc>(store, ACCOUNTS_COLLECTION, id);
  const seq = doc ? (doc.seq ?? doc.history.length) : 0;
  const later = await lastEventAfter(events, id, seq);
  return later ? { seq: later.seq, facts: factsOf(later.account) } : { seq, facts: factsOf(doc) };
}

/** How a guardianship is decided (the accounts service's `guardianship`: the guardian's account, both records). */
export type GuardianshipCheck = (guardianId: string, childId: string) => Promise<Guardianship>;

/** Without an accounts service (tools, some tests): nobody acts for anybody. */
const NO_GUARDIANSHIP: GuardianshipCheck = () => Promise.resolve({ refusal: 'NOT_GUARDIAN' });

/**
 * Per-request lookups (a DataLoader for accounts, so N citizens cost one batch). `guardianship`
 * decides guardian entry points and whether a consent a guardian gave still holds.
 */
export function createAccessLookups(
  store: Store,
  caches: AccessCaches,
  now: () => Date = () => new Date(),
  guardianshipCheck: GuardianshipCheck = NO_GUARDIANSHIP,
): AccessLookups {
  const guardianships = new Map<string, Promise<Guardianship>>();
  const guardianship = (guardianId: string, childId: string) => {
    const key = `${guardianId}|${childId}`;
    let g = guardianships.get(key);
    if (!g) guardianships.set(key, (g = guardianshipCheck(guardianId, childId)));
    return g;
  };
  const accounts = new DataLoader<string, AccountFacts | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        const hit = caches.accounts.get(id);
        if (hit !== undefined) return hit;
        const readAt = Date.now();
        const generation = caches.generation;
        const step = await accountStep(store, id, caches.accountSteps.get(id));
        // Not kept when every account was announced meanwhile (a seeding may restart the steps).
        if (caches.generation === generation) {
          caches.accountSteps.set(id, step);
          caches.accounts.set(id, step.facts, readAt);
        }
        return step.facts;
      }),
    ),
  );
  return {
    account: (id) => accounts.load(id),
    async consentState(consentId, citizenId, clientId) {
      const c = await caches.consents.get(consentId);
      // Another client's or citizen's consent is reported like an unknown one.
      if (!c || c.clientId !== clientId || c.citizenId !== citizenId) return 'INACTIVE';
      if (c.status === 'REVOKED') return 'REVOKED';
      if (!consentUsable(c, now())) return 'INACTIVE';
      // Given by a parent or guardian for the child: it holds only while the guardianship does
      // (the child turned 14, or the record no longer shows the relation: docs/accounts.md).
      if (c.grantedBy && (await guardianship(c.grantedBy.personalId, citizenId)).refusal) return 'INACTIVE';
      // The citizen objects to or restricts processing by this client: its consents are suspended.
      return (await caches.restrictions.restricted(citizenId, clientId)) ? 'RESTRICTED' : 'ACTIVE';
    },
    guardianship,
    async clientScopes(clientId) {
      const c = await caches.clients.get(clientId);
      return c && c.status === 'ACTIVE' ? new Set(c.scopes) : null;
    },
  };
}
