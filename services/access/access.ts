import DataLoader from 'dataloader';
import type { Store } from '../../store/connection';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../accounts/store';
import { lastEventAfter } from '../../store/concurrency';
import { ClientCache } from './clients';
import { ConsentStatusCache } from './consents/cache';
import { consentUsable } from './consents/status';
import { RestrictionCache } from './restrictions';
import type { AccessLookups, AccountFacts, Guardianship } from './policy';
import { TtlCache } from '../../lib/ttl-cache';
import { LRUCache } from 'lru-cache';

/**
 * The lookups the disclosure policy makes, over the hub's own store: accounts,
 * consents and clients, each read by `_id` (the only filter FerretDB pushes down)
 * and cached for a short time across requests, so that a level, status or consent
 * change takes effect within `ttlMs` (default 2 s).
 */

/** An account's facts as of one committed step (`seq`: the number of its transitions). */
export interface AccountStep {
  seq: number;
  facts: AccountFacts | null;
}

/** Accounts whose last seen step is kept (about 100 bytes each). */
export const ACCOUNT_STEPS_MAX = 100_000;

/** Process-wide caches behind the per-request lookups (the same TTL for all). */
export class AccessCaches {
  readonly accounts: TtlCache<AccountFacts | null>;
  /**
   * The last committed step seen per account, kept past the TTL (least recently used out): every
   * transition is committed as the event `<personalId>#<seq>` (services/accounts/service.ts), so
   * once the TTL has passed, one `_id` read of the next event says whether these facts still hold.
   */
  readonly accountSteps: LRUCache<string, AccountStep>;
  readonly consents: ConsentStatusCache;
  readonly clients: ClientCache;
  readonly restrictions: RestrictionCache;
  constructor(store: Store, ttlMs = 2_000) {
    this.accounts = new TtlCache(ttlMs);
    this.accountSteps = new LRUCache({ max: ACCOUNT_STEPS_MAX });
    this.consents = new ConsentStatusCache(store, { ttlMs });
    this.clients = new ClientCache(store, { ttlMs });
    this.restrictions = new RestrictionCache(store, ttlMs);
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
        const step = await accountStep(store, id, caches.accountSteps.get(id));
        caches.accountSteps.set(id, step);
        caches.accounts.set(id, step.facts);
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
