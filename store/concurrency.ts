/** Concurrency helpers for the store: an in-process keyed mutex, and the compare-and-set outcomes. */
import { MongoError, type Collection, type Filter } from 'mongodb';

/**
 * A write the store acknowledged too late for what depends on it, so that step was not taken
 * (a transient store error: the store is slow; try again). See services/access/account-feed.ts.
 */
export class LateWriteError extends MongoError {
  override get name(): string {
    return 'LateWriteError';
  }
}

/** A per-key promise chain: one holder at a time per key, in arrival order (within one process). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Whether a store error is a duplicate `_id` / unique-key violation (the compare-and-set lost). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * `replaceOne(..., {upsert: true})` that survives a concurrent upsert of the same new `_id`
 * (MongoDB and FerretDB then refuse one of the inserts with a duplicate key: the document now
 * exists, so it is replaced).
 */
export async function replaceOrInsert<T extends { _id: string }>(col: Collection<T>, doc: T): Promise<void> {
  try {
    await col.replaceOne({ _id: doc._id } as Filter<T>, doc, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await col.replaceOne({ _id: doc._id } as Filter<T>, doc);
  }
}

/** `fn` over `items` with at most `limit` calls in flight; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The latest event committed after `seq` in an event log keyed `<id>#<seq>` (contiguous seqs),
 * or null: what a read-repair rolls a document forward to.
 */
export async function lastEventAfter<E extends { _id: string; seq: number }>(
  events: Collection<E>,
  id: string,
  seq: number,
): Promise<E | null> {
  let latest: E | null = null;
  for (let s = seq; ;) {
    const next = (await events.findOne({ _id: `${id}#${s + 1}` } as Filter<E>)) as E | null;
    if (!next) return latest;
    latest = next;
    s = next.seq;
  }
}
