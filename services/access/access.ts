import DataLoader from 'dataloader';
import type { Store } from '../../store/connection';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../accounts/store';
import { lastEventAfter } from '../../store/concurrency';
import { ClientCache } from './clients';
import { ConsentStatusCache } from './consents/cache';
import { consentUsable } from './consents/status';
import { RestrictionCache } from './restrictions';
import type { AccessLookups, AccountFacts } from './policy';
import { TtlCache } from '../../lib/ttl-cache';

/**
 * The lookups the disclosure policy makes, over the hub's own store: accounts,
 * consents and clients, each read by `_id` (the only filter FerretDB pushes down)
 * and cached for a short time across requests, so that a level, status or consent
 * change takes effect within `ttlMs` (default 2 s).
 */

/** Process-wide caches behind the per-request lookups (the same TTL for all). */
export class AccessCaches {
  readonly accounts: TtlCache<AccountFacts | null>;
  readonly consents: ConsentStatusCache;
  readonly clients: ClientCache;
  readonly restrictions: RestrictionCache;
  constructor(store: Store, ttlMs = 2_000) {
    this.accounts = new TtlCache(ttlMs);
    this.consents = new ConsentStatusCache(store, { ttlMs });
    this.clients = new ClientCache(store, { ttlMs });
    this.restrictions = new RestrictionCache(store, ttlMs);
  }
}

async function readById<T>(store: Store, collection: string, id: string): Promise<T | null> {
  return (await store.hubDb.collection(collection).findOne({ _id: id as never })) as T | null;
}

/** Per-request lookups (a DataLoader for accounts, so N citizens cost one batch). */
export function createAccessLookups(
  store: Store,
  caches: AccessCaches,
  now: () => Date = () => new Date(),
): AccessLookups {
  const events = store.hubDb.collection<{ _id: string; seq: number; account: AccountDoc }>(ACCOUNT_EVENTS_COLLECTION);
  const accounts = new DataLoader<string, AccountFacts | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        const hit = caches.accounts.get(id);
        if (hit !== undefined) return hit;
        let doc = await readById<AccountDoc>(store, ACCOUNTS_COLLECTION, id);
        // The last committed step decides, not an older copy written back over it (the embedded
        // store's updates are read-modify-writes of the whole document): roll forward.
        const later = await lastEventAfter(events, id, doc ? (doc.seq ?? doc.history.length) : 0);
        if (later) doc = later.account;
        const facts = doc ? { level: doc.level, status: doc.status } : null;
        caches.accounts.set(id, facts);
        return facts;
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
      // The citizen objects to or restricts processing by this client: its consents are suspended.
      return (await caches.restrictions.restricted(citizenId, clientId)) ? 'RESTRICTED' : 'ACTIVE';
    },
    async clientScopes(clientId) {
      const c = await caches.clients.get(clientId);
      return c && c.status === 'ACTIVE' ? new Set(c.scopes) : null;
    },
  };
}
