import DataLoader from 'dataloader';
import type { Store } from './store/connection';
import { ACCOUNTS_COLLECTION, type AccountDoc } from './store/accounts';
import type { DocumentScope } from './auth/principal';
import type { AccessLookups, AccountFacts } from './policy';

/**
 * The lookups the disclosure policy makes, over the hub's own store: accounts,
 * consents and clients, each read by `_id` (the only filter FerretDB pushes down)
 * and cached for a short time across requests, so that a level, status or consent
 * change takes effect within `ttlMs` (default 2 s).
 */

/** A small TTL cache; values are re-read after `ttlMs`. */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, expires: now + this.ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

interface ConsentFacts {
  citizenId: string;
  clientId: string;
  status: string;
  validFrom: Date;
  validUntil: Date;
}

interface ClientFacts {
  scopes: ReadonlySet<DocumentScope>;
  active: boolean;
}

/** Process-wide caches behind the per-request lookups. */
export class AccessCaches {
  readonly accounts: TtlCache<AccountFacts | null>;
  readonly consents: TtlCache<ConsentFacts | null>;
  readonly clients: TtlCache<ClientFacts | null>;
  constructor(ttlMs = 2_000) {
    this.accounts = new TtlCache(ttlMs);
    this.consents = new TtlCache(ttlMs);
    this.clients = new TtlCache(ttlMs);
  }
}

async function readById<T>(store: Store, collection: string, id: string): Promise<T | null> {
  return (await store.hubDb.collection(collection).findOne({ _id: id as never })) as T | null;
}

/** Per-request lookups (a DataLoader for accounts, so N citizens cost one batch). */
export function createAccessLookups(store: Store, caches: AccessCaches, now: () => Date = () => new Date()): AccessLookups {
  const accounts = new DataLoader<string, AccountFacts | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        const hit = caches.accounts.get(id);
        if (hit !== undefined) return hit;
        const doc = await readById<AccountDoc>(store, ACCOUNTS_COLLECTION, id);
        const facts = doc ? { level: doc.level, status: doc.status } : null;
        caches.accounts.set(id, facts);
        return facts;
      }),
    ),
  );
  return {
    account: (id) => accounts.load(id),
    async consentActive(consentId, citizenId, clientId) {
      let c = caches.consents.get(consentId);
      if (c === undefined) {
        const doc = await readById<ConsentFacts>(store, 'consents', consentId);
        c = doc
          ? { citizenId: doc.citizenId, clientId: doc.clientId, status: doc.status, validFrom: doc.validFrom, validUntil: doc.validUntil }
          : null;
        caches.consents.set(consentId, c);
      }
      const t = now().getTime();
      return (
        !!c &&
        c.status === 'ACTIVE' &&
        c.citizenId === citizenId &&
        c.clientId === clientId &&
        new Date(c.validFrom).getTime() <= t &&
        t < new Date(c.validUntil).getTime()
      );
    },
    async clientScopes(clientId) {
      let c = caches.clients.get(clientId);
      if (c === undefined) {
        const doc = await readById<{ scopes: DocumentScope[]; status: string }>(store, 'clients', clientId);
        c = doc ? { scopes: new Set(doc.scopes), active: doc.status === 'ACTIVE' } : null;
        caches.clients.set(clientId, c);
      }
      return c && c.active ? c.scopes : null;
    },
  };
}
