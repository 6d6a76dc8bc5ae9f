/**
 * How far a run session is, and its run document.
 *
 * **Progress** (`progress`): `total` = documents in the five collections, once at start or
 * resume (the seed manifest's counts when present, else `estimatedDocumentCount`, which the
 * embedded store answers by scanning), `processed` = documents read in this session plus those
 * of restored sources, `ratePerS` = documents read per second in this session, `etaS`; written at
 * most once a second, with the counts so far. A run reads at most `maxDocsPerS` documents a
 * second, all its cursors together, so that it does not take the sources' whole capacity from
 * the hub's requests.
 */
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import type { Store } from '../../store/connection';
import {
  SOURCES_STATUS_COLLECTION as SEED_MANIFEST_COLLECTION,
  type SourcesStatusDoc as SeedManifestDoc,
} from '../../store/sources-status';
import type { RunDoc, RunProgress } from './model';

/** Run-document progress writes: at most one per this many milliseconds. */
const PROGRESS_EVERY_MS = 1000;

/** The documents a run session has read and has left to read, and its pace. */
export class ReadCounter {
  private readonly t0 = Date.now();
  /** Documents read in this session, plus those of sources restored from the checkpoint. */
  processed = 0;
  /** Documents read in this session. */
  read = 0;
  /** Documents to read in all (0: unknown; the figures then grow with what is read). */
  total = 0;

  /** `maxDocsPerS`: documents read per second at most (Infinity: no limit). */
  constructor(private readonly maxDocsPerS: number) {}

  /** Milliseconds since the session started. */
  elapsedMs(): number {
    return Date.now() - this.t0;
  }

  /** One more document read; true every 256th (time to save the progress, at most once a second). */
  tick(): boolean {
    this.processed++;
    this.read++;
    return (this.read & 255) === 0;
  }

  /** Keeps the run at or under maxDocsPerS (checked every 64 documents). */
  async pace(): Promise<void> {
    if (this.maxDocsPerS === Infinity || (this.read & 63) !== 0) return;
    const ahead = (this.read / this.maxDocsPerS) * 1000 - this.elapsedMs();
    if (ahead > 20) await new Promise((r) => setTimeout(r, ahead));
  }

  /** The figures so far; `done`: the run is complete (nothing left: `etaS` 0). */
  progress(done = false): RunProgress {
    const secs = this.elapsedMs() / 1000;
    const ratePerS = secs > 0 ? Math.round(this.read / secs) : 0;
    const left = Math.max(0, this.total - this.processed);
    return {
      processed: this.processed,
      total: Math.max(this.total, this.processed),
      ratePerS,
      etaS: done ? 0 : ratePerS > 0 ? Math.ceil(left / ratePerS) : null,
    };
  }
}

/**
 * The run document, written by one writer: one update at a time (the embedded store loses
 * concurrent updates of one document), progress at most once a second.
 */
export class RunDocWriter {
  private last: Promise<unknown> = Promise.resolve();
  private lastProgress = 0;

  constructor(
    private readonly runs: Collection<RunDoc>,
    private readonly runId: string,
    private readonly logger: Logger,
  ) {}

  /** Queues an update; with `swallow`, a failure is logged (progress), else the returned write rejects. */
  update(update: Document, swallow: boolean): Promise<unknown> {
    const w = this.last.then(() => this.runs.updateOne({ _id: this.runId }, update));
    this.last = w.catch((err: unknown) => {
      if (swallow) this.logger.warn({ err, runId: this.runId }, 'reconciliation run: progress not saved');
    });
    return swallow ? this.last : w;
  }

  /** Whether a progress write is due (forced, or none for a second); if so, it counts as made now. */
  progressDue(force: boolean): boolean {
    const t = Date.now();
    if (!force && t - this.lastProgress < PROGRESS_EVERY_MS) return false;
    this.lastProgress = t;
    return true;
  }

  /** Settles once the updates queued so far are done (failed progress writes included). */
  settled(): Promise<unknown> {
    return this.last;
  }
}

/**
 * Documents per collection, for `progress.total`: the seed manifest's counts when it has them
 * all (one `_id` read), else `estimatedDocumentCount` (on the embedded store a full scan of each
 * collection: ~2.8 s for 5,000 documents, as long as half the run).
 */
export async function collectionSizes(
  deps: { store: Store; logger: Logger },
  cols: ReadonlyArray<{ db: string; collection: string }>,
): Promise<number[]> {
  const manifest = await deps.store.hubDb
    .collection<SeedManifestDoc>(SEED_MANIFEST_COLLECTION)
    .findOne({ _id: 'current' })
    .catch(() => null);
  const counts = manifest?.counts;
  if (counts && cols.every((c) => typeof counts[c.collection] === 'number')) {
    return cols.map((c) => counts[c.collection]);
  }
  // Only for the progress figures: a count that fails (on the embedded store a scan that can
  // outlast the hub's socket timeout) leaves the total to grow with what is read, rather than
  // failing the run (which would resume, and count again).
  return Promise.all(
    cols.map((c) =>
      deps.store
        .db(c.db)
        .collection(c.collection)
        .estimatedDocumentCount()
        .catch((err: unknown) => {
          deps.logger.warn({ err, collection: c.collection }, 'reconciliation run: could not count; total unknown');
          return 0;
        }),
    ),
  );
}
