import DataLoader from 'dataloader';
import type { Collection, Document } from 'mongodb';
import type { LookupStrategy } from '../store/connection';
import { perSource, type SourceName } from './sources';
import { SourceUnavailableError } from '../lib/errors';
import type { SourceGuard } from './resilience';

/** Per-source counters of one request: how often the source was asked, and how. */
export interface SourceCounters {
  /** Batch-function calls (one per DataLoader dispatch). */
  batchCalls: number;
  /** Store commands sent (a `$in` batch is 1; parallel `_id` lookups are one per key). */
  storeCommands: number;
  /** Keys asked for. */
  keys: number;
}

/** The counters of one request, per source. Read by tests and the bench. */
export class RequestMetrics {
  readonly sources: Record<SourceName, SourceCounters> = perSource(() => ({
    batchCalls: 0,
    storeCommands: 0,
    keys: 0,
  }));

  get sourceCalls(): number {
    return Object.values(this.sources).reduce((n, s) => n + s.batchCalls, 0);
  }

  get storeCommands(): number {
    return Object.values(this.sources).reduce((n, s) => n + s.storeCommands, 0);
  }
}

export interface SourceLoaderOptions<TDoc extends Document, TOut> {
  source: SourceName;
  collection: Collection<TDoc>;
  /** `in`: one `{_id: {$in}}` find per batch; `parallel`: one `{_id}` find per key, concurrently. */
  strategy: LookupStrategy;
  /** Maps the agency's document to the hub's record. */
  map: (doc: TDoc) => TOut;
  metrics: RequestMetrics;
  /** The source's timeout, retries and circuit breaker (process-wide; resilience.ts). */
  guard: SourceGuard;
  /** The request's deadline (epoch ms): no attempt runs past it. Default: none. */
  deadline?: number;
  /** Largest batch handed to the batch function. Default 100. */
  maxBatchSize?: number;
}

/**
 * Reads one source's per-person documents by personal ID (`_id`), batched.
 *
 * Contract (graphql/dataloader): the result has the keys' length and order. A key
 * the source has no document for is `null` (the citizen simply has no such paper);
 * a record the connector cannot read is an `Error` at its position (the other keys are
 * served); when the source cannot answer (timeout, error after the retries, open circuit
 * breaker, the request's deadline), every key of the batch is that {@link SourceUnavailableError}
 * and only this source's fields fail. Create one loader per request (never share: the cache
 * would show one principal's reads to another).
 */
export function createSourceLoader<TDoc extends Document, TOut>(
  opts: SourceLoaderOptions<TDoc, TOut>,
): DataLoader<string, TOut | null> {
  const counters = opts.metrics.sources[opts.source];
  const batch = async (keys: readonly string[]): Promise<Array<TOut | null | Error>> => {
    counters.batchCalls += 1;
    counters.keys += keys.length;
    try {
      const byId = await opts.guard.run(
        () => (opts.strategy === 'in' ? readIn(opts, keys, counters) : readParallel(opts, keys, counters)),
        opts.deadline,
      );
      return keys.map((k) => mapOne(opts, byId.get(k)));
    } catch (err) {
      const e = err instanceof SourceUnavailableError ? err : new SourceUnavailableError(opts.source, err);
      return keys.map(() => e);
    }
  };
  return new DataLoader<string, TOut | null>(batch, { maxBatchSize: opts.maxBatchSize ?? 100 });
}

/** One attempt: the documents of the keys, by `_id` (throws if the store fails). */
async function readIn<TDoc extends Document, TOut>(
  opts: SourceLoaderOptions<TDoc, TOut>,
  keys: readonly string[],
  counters: SourceCounters,
): Promise<Map<string, TDoc>> {
  counters.storeCommands += 1;
  const docs = await opts.collection.find({ _id: { $in: [...keys] } } as never).toArray();
  const byId = new Map<string, TDoc>();
  for (const d of docs) byId.set(String(d._id), d as TDoc);
  return byId;
}

async function readParallel<TDoc extends Document, TOut>(
  opts: SourceLoaderOptions<TDoc, TOut>,
  keys: readonly string[],
  counters: SourceCounters,
): Promise<Map<string, TDoc>> {
  counters.storeCommands += keys.length;
  const docs = await Promise.all(keys.map((k) => opts.collection.findOne({ _id: k } as never) as Promise<TDoc | null>));
  const byId = new Map<string, TDoc>();
  docs.forEach((d, i) => {
    if (d) byId.set(keys[i], d);
  });
  return byId;
}

function mapOne<TDoc extends Document, TOut>(
  opts: SourceLoaderOptions<TDoc, TOut>,
  doc: TDoc | undefined,
): TOut | null | Error {
  if (!doc) return null;
  try {
    return opts.map(doc);
  } catch (err) {
    // A record the connector cannot read is that key's failure, not the batch's.
    return new SourceUnavailableError(opts.source, err, 'UNREADABLE_RECORD');
  }
}
