import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';

/**
 * Processing restrictions: a citizen objects to, or restricts, processing of their data by one
 * client (Law 91/2025 on personal data protection, the rights to restrict and to object; see
 * docs/rights.md). While a restriction is in force the hub issues that client no token for this
 * citizen, records no new consent for it, and serves no read under the consents it holds
 * (FORBIDDEN `PROCESSING_RESTRICTED`); lifting it restores them (those still valid).
 *
 * `hub.processingRestrictions`, `_id` = `<citizen>|<client>#<gen>` (gen = 1, 2, ...): each change
 * (RESTRICTED or LIFTED) is decided by inserting the next generation, a unique `_id` (the one
 * compare-and-set the embedded store makes atomic, across hub instances); the latest generation
 * is the state. `<citizen>|<client>` (no `#`) holds a hint of the last generation (`$max`: a lost
 * write only makes the next read probe further).
 */
export const RESTRICTIONS_COLLECTION = 'processingRestrictions';

export type RestrictionValue = 'RESTRICTED' | 'LIFTED';

export interface RestrictionChangeDoc {
  _id: string;
  citizenId: string;
  clientId: string;
  gen: number;
  state: RestrictionValue;
  /** The data-subject request that decided it (services/rights). */
  requestId: string;
  at: Date;
  /** `citizen`, `officer:<id>`. */
  by: string;
}

interface HintDoc {
  _id: string;
  gen?: number;
}

export interface RestrictionState {
  /** The latest generation (0: never restricted). */
  gen: number;
  restricted: boolean;
  latest: RestrictionChangeDoc | null;
}

const pairKey = (citizenId: string, clientId: string) => `${citizenId}|${clientId}`;

function changes(store: Store) {
  return store.hubDb.collection<RestrictionChangeDoc>(RESTRICTIONS_COLLECTION);
}

/** The same collection, for the hint documents. */
function hints(store: Store) {
  return store.hubDb.collection<HintDoc>(RESTRICTIONS_COLLECTION);
}

/** The restriction state of a citizen towards a client (reads roll forward past the hint). */
export async function restrictionState(store: Store, citizenId: string, clientId: string): Promise<RestrictionState> {
  const key = pairKey(citizenId, clientId);
  const hint = await hints(store).findOne({ _id: key });
  let gen = hint?.gen ?? 0;
  let latest: RestrictionChangeDoc | null = null;
  if (gen > 0) latest = await changes(store).findOne({ _id: `${key}#${gen}` });
  if (gen > 0 && !latest) gen = 0; // a hint without its change (never expected): probe from the start
  for (;;) {
    const next = await changes(store).findOne({ _id: `${key}#${gen + 1}` });
    if (!next) break;
    latest = next;
    gen++;
  }
  return { gen, restricted: latest?.state === 'RESTRICTED', latest };
}

/** Whether a restriction was placed after generation `gen` (decided, whatever was read before). */
export async function restrictedSince(
  store: Store,
  citizenId: string,
  clientId: string,
  gen: number,
): Promise<boolean> {
  const key = pairKey(citizenId, clientId);
  for (let g = gen + 1; ; g++) {
    const d = await changes(store).findOne({ _id: `${key}#${g}` });
    if (!d) return false;
    if (d.state === 'RESTRICTED') return true;
  }
}

/**
 * Places or lifts the restriction. Returns the new state, or `changed: false` with the current one
 * when it is already so. Concurrent changes each insert their own generation, in some order.
 */
export async function changeRestriction(
  store: Store,
  change: { citizenId: string; clientId: string; state: RestrictionValue; requestId: string; by: string; at: Date },
): Promise<{ changed: boolean; state: RestrictionState }> {
  const key = pairKey(change.citizenId, change.clientId);
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await restrictionState(store, change.citizenId, change.clientId);
    if (current.restricted === (change.state === 'RESTRICTED')) return { changed: false, state: current };
    const gen = current.gen + 1;
    const doc: RestrictionChangeDoc = { _id: `${key}#${gen}`, ...change, gen };
    try {
      await changes(store).insertOne(doc);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      continue; // another change took this generation: read again
    }
    await hints(store)
      .updateOne({ _id: key }, { $max: { gen } }, { upsert: true })
      .catch(() => undefined); // only a hint
    return { changed: true, state: { gen, restricted: change.state === 'RESTRICTED', latest: doc } };
  }
  throw new Error('processing restriction changed concurrently too often; retry');
}

/**
 * The request path's view of restrictions (the disclosure policy asks per request): at most
 * `ttlMs` old (default 2 s, like the consent and client caches), at once in the process that
 * changed it (`invalidate`). Read errors are not cached and propagate (callers fail closed).
 */
export class RestrictionCache {
  private readonly entries = new Map<string, { at: number; value: Promise<boolean> }>();
  constructor(
    private readonly store: Store,
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 10_000,
  ) {}

  restricted(citizenId: string, clientId: string): Promise<boolean> {
    const key = pairKey(citizenId, clientId);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = restrictionState(this.store, citizenId, clientId).then((s) => s.restricted);
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  invalidate(citizenId: string, clientId: string): void {
    this.entries.delete(pairKey(citizenId, clientId));
  }
}
