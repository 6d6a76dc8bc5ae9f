import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Collection, Db, WriteConcernSettings } from 'mongodb';
import type { Store } from '../../store/connection';
import type { AuditRecordDoc } from './model';
import { auditRecordId, canonicalJSON, CHAIN_ID_PATTERN, hashCanonical, stripUndefined } from './chain';
import { ACCESS_LOG_MAX } from './access-log';
import { INSERT_COMMAND_JSON_CHARS, insertInOrder } from './insert';
import { AccessLogIndexer, type IndexerOptions } from './indexer';

/**
 * The audit writer: one hash chain per writer (hub process), group commit.
 *
 * Records go to `hub.audit` with `_id` = `${chain}:${seq padded to 12}` (FerretDB only
 * pushes `_id` equality down, so every lookup here is by `_id`). A tail pointer
 * `{_id: 'tail:' + chain, seq, hash}` in `hub.auditChains` is written after the
 * records; on open the writer starts from it and probes `_id`s beyond it (galloping,
 * then binary search: O(log n) lookups) for records written after the last pointer
 * update, so a restarted process with the same chain id continues its chain.
 *
 * `append` resolves once its record is durably written (insert commands, insert.ts; write
 * concern majority + journal). Appends arriving while a write is in flight are queued and
 * written together by the next batch, in arrival order, hashes chained in
 * that order. If a write fails, every append of that batch rejects with an
 * {@link AuditWriteError} and the in-memory chain state is not advanced; before the
 * next batch the writer re-reads the true tail (an ordered insert may have written
 * a prefix of the failed batch, or a timed-out write may have landed), so the chain
 * has no gap and no duplicate. The unique `_id` also stops two processes that share a
 * chain id from forking it: the loser's insert fails on the duplicate key and it
 * re-syncs.
 *
 * The tail pointer is written in the background after the records, at most every
 * `pointerIntervalMs` (it only shortens the probing on open, and tells `audit:verify` where the
 * chain ends). The citizens' access-log index (`hubindex.auditByCitizen`) is derived from the
 * durable records by the process's index worker (indexer.ts: checkpointed, taken over by
 * another process if this one dies). Background failures are logged, never surfaced to appends.
 * `flush()` and `close()` wait for the pointer and for the index to hold every record written.
 */

export const AUDIT_COLLECTION = 'audit';
export const AUDIT_CHAINS_COLLECTION = 'auditChains';
export const TAIL_PREFIX = 'tail:';
/**
 * Signed retention checkpoints, `_id` = `<chain>#<n>` (retention.ts): the records of a chain up
 * to a checkpoint's `lastSeq` were removed after it was written; the chain goes on from it.
 */
export const AUDIT_CHECKPOINTS_COLLECTION = 'auditCheckpoints';

/** What a caller appends: the writer fills in `_id`, `chain`, `seq`, `prevHash`, `hash`. */
export type AuditEntry = Omit<AuditRecordDoc, '_id' | 'chain' | 'seq' | 'prevHash' | 'hash'>;

/** The tail pointer document of a chain in `hub.auditChains`. */
export interface ChainTailDoc {
  _id: string; // 'tail:' + chain
  chain: string;
  seq: number;
  hash: string;
  updatedAt: Date;
}

/** Minimal logger (pino-compatible). */
export interface AuditLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AuditWriterOptions {
  /** Chain id (letters, digits, `_ . -`); default `h-<random>` per writer. */
  chain?: string;
  /** Default `{w: 'majority', j: true}`. */
  writeConcern?: WriteConcernSettings;
  /** Most records per batch (one insert command for up to 100 records and 4,000,000 JSON characters). Default 256. */
  maxBatch?: number;
  /** Maintain the citizens' access-log index. Default true. */
  citizenIndex?: boolean;
  /** List a citizen's reads of their own data in their access log. Default false. */
  indexSelfReads?: boolean;
  /** Entries kept per citizen in the access-log index. Default 500. */
  accessLogMax?: number;
  /**
   * Group commit's latency budget: while requests that may append are under way
   * ({@link AuditWriter.expect}), a batch waits for them up to this long. Default 2 ms; 0: no wait.
   */
  commitDelayMs?: number;
  /** Canonical JSON characters per insert command, at most. Default {@link INSERT_COMMAND_JSON_CHARS}. */
  insertCommandChars?: number;
  /** Least time between two tail pointer writes. Default 250 ms. */
  pointerIntervalMs?: number;
  /** The index worker's timing (indexer.ts; the first writer of a store connection sets it). */
  indexer?: Omit<IndexerOptions, 'logger' | 'writeConcern'>;
  logger?: AuditLogger;
}

/** An audit write failed: the caller must not disclose anything. */
export class AuditWriteError extends Error {
  readonly code = 'AUDIT_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditWriteError';
  }
}

interface Pending {
  entry: AuditEntry;
  resolve: (r: AuditRecordDoc) => void;
  reject: (e: Error) => void;
}

const consoleLogger: AuditLogger = {
  warn: (obj, msg) => process.stderr.write(`audit: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`audit: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

function errInfo(e: unknown): object {
  return e instanceof Error ? { err: { name: e.name, message: e.message } } : { err: String(e) };
}

export class AuditWriter {
  readonly chain: string;
  /** Insert commands issued for audit records (the durable, per-request path). */
  writes = 0;
  /** Records durably written by this writer. */
  records = 0;
  /** Batches that failed (their appends were rejected). */
  failedWrites = 0;
  /** Requests under way that will append (or not) soon: {@link expect} / {@link unexpect}. */
  private expecting = 0;
  /** Tail pointer writes issued (background). */
  sideWrites = 0;
  /** The process's access-log index worker (null without the index). */
  readonly indexer: AccessLogIndexer | null;

  /** Collection of the records (exposed for tests and tools). */
  readonly collection: Collection<AuditRecordDoc>;
  private readonly db: Db;
  private readonly chains: Collection<ChainTailDoc>;
  private readonly writeConcern: WriteConcernSettings;
  private readonly maxBatch: number;
  private readonly insertCommandChars: number;
  private readonly pointerInterval: number;
  private readonly commitDelay: number;
  /** Mean time between two appends (ms, moving average), and the last append's time. */
  private gapMs = Infinity;
  private lastAppendAt = -Infinity;
  /** Wakes a batch waiting for more appends. */
  private arrived: (() => void) | null = null;
  private readonly log: AuditLogger;

  /** Last durably written record of the chain (as far as this writer knows). */
  private seq: number;
  private prevHash: string;
  private needsResync = false;

  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  /** The pointer to write next, the one in flight, when the last was written, and its timer. */
  private sidePointer: { seq: number; hash: string } | null = null;
  private sideRunning: Promise<void> | null = null;
  private lastPointerAt = 0;
  private pointerTimer: NodeJS.Timeout | null = null;

  private constructor(store: Store, chain: string, seq: number, prevHash: string, opts: AuditWriterOptions) {
    this.chain = chain;
    this.seq = seq;
    this.prevHash = prevHash;
    const db = store.hubDb;
    this.db = db;
    this.collection = db.collection<AuditRecordDoc>(AUDIT_COLLECTION);
    this.chains = db.collection<ChainTailDoc>(AUDIT_CHAINS_COLLECTION);
    this.writeConcern = opts.writeConcern ?? { w: 'majority', j: true };
    this.maxBatch = Math.max(1, opts.maxBatch ?? 256);
    this.insertCommandChars = Math.max(1, opts.insertCommandChars ?? INSERT_COMMAND_JSON_CHARS);
    this.pointerInterval = Math.max(0, opts.pointerIntervalMs ?? 250);
    this.commitDelay = Math.max(0, opts.commitDelayMs ?? 2);
    this.log = opts.logger ?? consoleLogger;
    this.indexer =
      (opts.citizenIndex ?? true)
        ? AccessLogIndexer.for(store, { ...opts.indexer, writeConcern: this.writeConcern, logger: this.log })
        : null;
  }

  /** Opens a writer on its chain, continuing it where the store says it ends. */
  static async open(store: Store, opts: AuditWriterOptions = {}): Promise<AuditWriter> {
    const chain = opts.chain ?? `h-${randomBytes(6).toString('hex')}`;
    if (!CHAIN_ID_PATTERN.test(chain)) throw new Error(`invalid audit chain id ${JSON.stringify(chain)}`);
    const w = new AuditWriter(store, chain, 0, '', opts);
    const pointer = await w.chains.findOne({ _id: TAIL_PREFIX + chain });
    if (pointer && Number.isSafeInteger(pointer.seq) && pointer.seq > 0 && typeof pointer.hash === 'string') {
      w.seq = pointer.seq;
      w.prevHash = pointer.hash;
    }
    // Records removed by retention (retention.ts) are not probed for: the chain goes on from its
    // latest checkpoint when that is further than the pointer.
    const checkpoints = store.hubDb.collection<{ _id: string; lastSeq: number; lastHash: string }>(
      AUDIT_CHECKPOINTS_COLLECTION,
    );
    for (let n = 1; ; n++) {
      const cp = await checkpoints.findOne({ _id: `${chain}#${n}` });
      if (!cp) break;
      if (cp.lastSeq > w.seq) {
        w.seq = cp.lastSeq;
        w.prevHash = cp.lastHash;
      }
    }
    await w.syncTail();
    await w.indexer?.attach(chain, w.seq, {
      includeSelf: opts.indexSelfReads ?? false,
      max: opts.accessLogMax ?? ACCESS_LOG_MAX,
    });
    return w;
  }

  /** Last sequence number written (0 for an empty chain). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Hash of the last record written ('' for an empty chain). */
  get lastHash(): string {
    return this.prevHash;
  }

  /** Appends one record; resolves with it once it is durably written. */
  append(entry: AuditEntry): Promise<AuditRecordDoc> {
    if (this.closed) return Promise.reject(new AuditWriteError('audit writer is closed'));
    const now = performance.now();
    const gap = now - this.lastAppendAt;
    this.gapMs = this.gapMs === Infinity ? gap : 0.8 * this.gapMs + 0.2 * gap;
    this.lastAppendAt = now;
    return new Promise<AuditRecordDoc>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.arrived?.();
      this.kick();
    });
  }

  /** A request that may append is under way (the audit plugin, when a request starts). */
  expect(): void {
    this.expecting++;
  }

  /** That request has appended, or will not (the plugin, when its response is about to leave). */
  unexpect(): void {
    this.expecting = Math.max(0, this.expecting - 1);
    this.arrived?.();
  }

  /** Waits until every queued append is written, the tail pointer too, and the index holds them. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.writePointer(true);
    await this.indexer?.caughtUp(this.chain, this.seq);
  }

  /** Refuses new appends, then waits for the queue and the background writes to drain. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.pointerTimer) clearTimeout(this.pointerTimer);
    this.pointerTimer = null;
    await this.indexer?.detach(this.chain);
  }

  // --- group commit ------------------------------------------------------------------

  private kick(): void {
    if (this.running) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.queue.length) this.kick();
    });
  }

  private async run(): Promise<void> {
    // Let appends made in the same turn of the event loop join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      await this.gather();
      const batch = this.queue.splice(0, this.maxBatch);
      await this.writeBatch(batch);
    }
  }

  /**
   * Group commit that adapts to load: while requests under way have not appended yet (nor said
   * they will not) and appends come closer together than `commitDelayMs` on average, the batch
   * waits for them, up to `commitDelayMs`: the more requests at once, the larger the batches; at a
   * low rate, or a request alone, nothing waits.
   */
  private async gather(): Promise<void> {
    if (this.gapMs > this.commitDelay) return;
    const until = performance.now() + this.commitDelay;
    while (this.queue.length < this.maxBatch && this.expecting > 0) {
      const left = until - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.arrived = done;
      });
      this.arrived = null;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      if (this.needsResync) {
        await this.syncTail();
        this.needsResync = false;
      }
    } catch (e) {
      this.failedWrites++;
      const err = new AuditWriteError('audit store unavailable', { cause: e });
      for (const p of batch) p.reject(err);
      return;
    }
    let seq = this.seq;
    let prev = this.prevHash;
    const docs: AuditRecordDoc[] = [];
    /** The canonical JSON's length of each record: what {@link insertRecords} splits commands by. */
    const sizes: number[] = [];
    const ok: Pending[] = [];
    for (const p of batch) {
      let doc: AuditRecordDoc;
      let canonical: string;
      try {
        // stripUndefined makes the record's own copy; the hash is then added to that copy, not to a
        // second one. Object.assign, not object spread: on Node 20 a spread copy given more
        // properties allocates in the old generation each time (docs/benchmarks.md, ninth session).
        const body = stripUndefined(
          Object.assign({}, p.entry, {
            _id: auditRecordId(this.chain, seq + 1),
            chain: this.chain,
            seq: seq + 1,
            prevHash: prev,
          }),
        ) as Omit<AuditRecordDoc, 'hash'>;
        canonical = canonicalJSON(body);
        doc = Object.assign(body, { hash: hashCanonical(prev, canonical) });
      } catch (e) {
        // An entry that cannot be hashed (e.g. a non-finite number) fails alone.
        p.reject(new AuditWriteError('audit record cannot be serialised', { cause: e }));
        continue;
      }
      seq++;
      prev = doc.hash;
      docs.push(doc);
      sizes.push(canonical.length);
      ok.push(p);
    }
    if (docs.length === 0) return;
    try {
      await this.insertRecords(docs, sizes);
    } catch (e) {
      this.failedWrites++;
      this.needsResync = true;
      this.log.error(
        { chain: this.chain, firstSeq: this.seq + 1, records: docs.length, ...errInfo(e) },
        'audit write failed',
      );
      const err = new AuditWriteError('audit write failed', { cause: e });
      for (const p of ok) p.reject(err);
      return;
    }
    this.seq = seq;
    this.prevHash = prev;
    this.records += docs.length;
    ok.forEach((p, i) => p.resolve(docs[i]));
    this.scheduleSide(docs);
  }

  /**
   * Writes records in order, durably ({@link insertInOrder}: ordered insert commands of at most
   * `insertCommandChars` of canonical JSON each, `sizes`). Rejects, a prefix possibly written, on
   * any error (the next batch re-reads the tail first). Tests replace it to make a write fail.
   */
  async insertRecords(docs: readonly AuditRecordDoc[], sizes: readonly number[]): Promise<void> {
    await insertInOrder(this.db, AUDIT_COLLECTION, docs, sizes, {
      writeConcern: this.writeConcern,
      maxChars: this.insertCommandChars,
      onCommand: () => this.writes++,
    });
  }

  /**
   * Moves `seq`/`prevHash` to the chain's true last record: probes `_id`s beyond the
   * current seq (1, 2, 4, 8... then binary search; seqs are contiguous because inserts
   * are ordered and `_id`s unique).
   */
  private async syncTail(): Promise<void> {
    const exists = async (s: number) =>
      (await this.collection.findOne({ _id: auditRecordId(this.chain, s) }, { projection: { _id: 1 } })) !== null;
    const base = this.seq;
    if (!(await exists(base + 1))) return;
    let lo = base + 1; // exists
    let step = 1;
    let hi = base + 2; // unknown
    while (await exists(hi)) {
      lo = hi;
      step *= 2;
      hi = base + 1 + step;
    }
    // lo exists, hi does not
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (await exists(mid)) lo = mid;
      else hi = mid;
    }
    const last = await this.collection.findOne({ _id: auditRecordId(this.chain, lo) }, { projection: { hash: 1 } });
    if (!last || typeof last.hash !== 'string')
      throw new Error(`audit record ${auditRecordId(this.chain, lo)} vanished`);
    this.seq = lo;
    this.prevHash = last.hash;
    this.sidePointer = { seq: lo, hash: last.hash };
  }

  // --- background: tail pointer -------------------------------------------------------

  private scheduleSide(docs: AuditRecordDoc[]): void {
    const last = docs[docs.length - 1];
    this.sidePointer = { seq: last.seq, hash: last.hash };
    this.indexer?.offer(this.chain, docs);
    this.schedulePointer();
  }

  /** The pointer is written at once when the last write is `pointerIntervalMs` old, else then. */
  private schedulePointer(): void {
    if (this.pointerTimer || this.sideRunning || !this.sidePointer) return;
    const wait = this.lastPointerAt + this.pointerInterval - Date.now();
    if (wait <= 0) {
      void this.writePointer(false);
      return;
    }
    this.pointerTimer = setTimeout(() => {
      this.pointerTimer = null;
      void this.writePointer(false);
    }, wait);
    this.pointerTimer.unref();
  }

  /**
   * Runs `fn` between the index worker's passes (none starts until it ends): the retention sweep
   * trims the access-log index through it, so the embedded store's unlocked read-modify-writes of a
   * citizen's head never interleave with the worker's.
   */
  exclusiveSide<T>(fn: () => Promise<T>): Promise<T> {
    return this.indexer ? this.indexer.exclusive(fn) : fn();
  }

  /** Writes the latest tail pointer (one write at a time; `all`: until none is left to write). */
  private async writePointer(all: boolean): Promise<void> {
    do {
      while (this.sideRunning) await this.sideRunning;
      const pointer = this.sidePointer;
      if (!pointer) return;
      this.sidePointer = null;
      this.sideWrites++;
      this.lastPointerAt = Date.now();
      this.sideRunning = this.chains
        .updateOne(
          { _id: TAIL_PREFIX + this.chain },
          { $set: { chain: this.chain, seq: pointer.seq, hash: pointer.hash, updatedAt: new Date() } },
          { upsert: true, writeConcern: this.writeConcern },
        )
        .then(
          () => undefined,
          (e: unknown) => {
            this.log.warn({ chain: this.chain, seq: pointer.seq, ...errInfo(e) }, 'audit tail pointer write failed');
          },
        )
        .finally(() => {
          this.sideRunning = null;
        });
      await this.sideRunning;
    } while (all && this.sidePointer);
    this.schedulePointer();
  }
}
