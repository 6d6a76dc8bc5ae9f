/**
 * What a run writes while it scans (run-loop.ts), in the background of the reading:
 *
 * - **Findings** (`hub.reconFindings`, `_id = findingKey(f)`, the ground truth's key), upserted (so
 *   re-running never duplicates): the finding's fields, `area`, `firstSeenRunId` / `firstSeenAt`
 *   (on insert), `lastSeenRunId` / `lastSeenAt`. **Only what changed is written**: at start the run
 *   reads the content hashes of its area's findings from the case index ({@link findingHash}, `h`
 *   of each entry); a finding found again with the same hash is not written, only its case-index
 *   entry's `r` moves to this run's start (one update per index document), so a re-run over
 *   unchanged data writes no finding. Unordered bulk writes of at most {@link WRITE_BATCH}
 *   single-document upserts, at most {@link WRITES_IN_FLIGHT} in flight (unpatched, the embedded
 *   store stopped the hub database once statements modifying existing documents, in one command
 *   or in concurrent ones, reached 100: each held a pooled connection until its command returned;
 *   see localdb/patch/README.md).
 * - **Case-index entries** of the findings seen (case-index.ts `seenOp`: the run's start with
 *   `$max`, so overlapping runs never move it back), one op per index document, through the case
 *   service's serial writer. Which run last found a finding is the index's (`r`, and the run id
 *   under `runs.t<r>`), not the finding's: two runs of overlapping areas running at once may both
 *   write a new or changed finding (the same content; the finding's own `lastSeen*` names
 *   either), and the case index, which the API and the clearing use, keeps the later start.
 * - **Counters**: what it wrote (`writes` on the run document: {@link RunWrites}), and what it found
 *   part by part ({@link RunCounts}).
 */
import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { mergeOp, type DocOp, type SerialWriter } from '../../store/serial-writer';
import { seenOp } from './case-index';
import { ageOp } from './case-order';
import {
  DEFECT_KINDS,
  findingKey,
  zeroCounts,
  type DefectKind,
  type Finding,
  type FindingAreaDoc,
  type CaseWriteTarget,
  type FindingDoc,
  type RunDoc,
  type RunWrites,
  type SourceName,
} from './model';
import { AreaTally } from './stats';

/** Single-document upserts per bulk write (< 100: see the module comment). */
export const WRITE_BATCH = 50;
/** Bulk writes in flight per run. */
export const WRITES_IN_FLIGHT = 4;

/**
 * The content hash of a finding as stored (every field but the run bookkeeping): a run writes a
 * finding only when this differs from the hash in its case-index entry.
 */
export function findingHash(f: Finding, area: FindingAreaDoc): string {
  const parts = [
    f.source,
    f.recordKey,
    f.personalId,
    f.kind,
    f.field ?? null,
    f.variant ?? null,
    f.sourceValue ?? null,
    f.trueValue ?? null,
    area.province,
    area.commune,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** Upserts findings in the background: bounded batches, bounded in flight. */
class FindingWriter {
  private buf: AnyBulkWriteOperation<FindingDoc>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | null = null;
  written = 0;

  constructor(
    private readonly col: Collection<FindingDoc>,
    private readonly runId: string,
    private readonly now: () => Date,
  ) {}

  /** Queues one finding; resolves at once unless too many writes are in flight. */
  add(f: Finding, area: FindingAreaDoc): Promise<void> | null {
    const at = this.now();
    const set: Document = {
      source: f.source,
      recordKey: f.recordKey,
      personalId: f.personalId,
      kind: f.kind,
      area,
      lastSeenRunId: this.runId,
      lastSeenAt: at,
    };
    if (f.field !== undefined) set.field = f.field;
    if (f.variant !== undefined) set.variant = f.variant;
    if (f.sourceValue !== undefined) set.sourceValue = f.sourceValue;
    if (f.trueValue !== undefined) set.trueValue = f.trueValue;
    this.buf.push({
      updateOne: {
        filter: { _id: findingKey(f) },
        update: { $set: set, $setOnInsert: { firstSeenRunId: this.runId, firstSeenAt: at } },
        upsert: true,
      },
    });
    return this.buf.length >= WRITE_BATCH ? this.send() : null;
  }

  /** Throws the first write failure, if any (a failed write fails the run). */
  private rethrow(): void {
    if (this.failure) throw this.failure;
  }

  private async send(): Promise<void> {
    this.rethrow();
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    this.rethrow();
    if (this.buf.length === 0) return;
    const ops = this.buf;
    this.buf = [];
    const p: Promise<void> = this.col.bulkWrite(ops, { ordered: false }).then(
      () => {
        this.written += ops.length;
        this.inFlight.delete(p);
      },
      (err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
        this.inFlight.delete(p);
      },
    );
    this.inFlight.add(p);
  }

  /** Sends what is buffered and waits for every write. */
  async flush(): Promise<void> {
    await this.send();
    await Promise.all([...this.inFlight]);
    this.rethrow();
  }

  /** Waits for the writes in flight (after a failure). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/** A run's findings and their case-index entries, written only where they changed, with the counts of what it wrote. */
export class RunWriter {
  private readonly findings: FindingWriter;
  /** The case service's writer (the only one writing the case index and the stats in this process). */
  private readonly index: SerialWriter<CaseWriteTarget>;
  /** The findings stored for the area, as content hashes (key → hash; read at start). */
  private known = new Map<string, string>();
  /** The case-index entries of the findings seen since the last flush, one op per document. */
  private readonly seen = new Map<string, DocOp<CaseWriteTarget>>();
  /** Index writes in flight, from any of the parallel scans. */
  private readonly indexWrites = new Set<Promise<void>>();
  private readonly counts: RunWrites;
  private readonly run: { id: string; startedAt: Date };

  constructor(opts: {
    findings: Collection<FindingDoc>;
    index: SerialWriter<CaseWriteTarget>;
    run: RunDoc;
    /** What earlier sessions of the run wrote (a resumed run). */
    earlier: RunWrites | undefined;
    now: () => Date;
  }) {
    this.findings = new FindingWriter(opts.findings, opts.run._id, opts.now);
    this.index = opts.index;
    this.run = { id: opts.run._id, startedAt: opts.run.createdAt };
    this.counts = { findings: 0, unchanged: 0, index: 0, stats: 0, ...opts.earlier };
  }

  /** The content hashes of the findings stored for the run's area (key → hash). */
  setKnown(known: Map<string, string>): void {
    this.known = known;
  }

  /** What the run wrote so far (all its sessions). */
  writes(): RunWrites {
    return { ...this.counts, findings: this.counts.findings + this.findings.written };
  }

  /**
   * A finding of the run's area seen, in area `fa`: its case-index entry is queued; the finding
   * itself is written only when it differs from what is stored (a re-run over the same data
   * writes none). Resolves at once unless too many writes are in flight.
   */
  add(f: Finding, fa: FindingAreaDoc): Promise<void> | null {
    const key = findingKey(f);
    const hash = findingHash(f, fa);
    const unchanged = this.known.get(key) === hash;
    const op = seenOp({ _id: key, source: f.source, kind: f.kind, area: fa }, this.run, unchanged ? null : hash);
    this.queue(op);
    // A case new to the index: its age bucket in the order directory (case-order.ts).
    if (!this.known.has(key)) this.queue(ageOp(op.id, this.run.startedAt.getTime()));
    if (unchanged) {
      this.counts.unchanged++;
      return null;
    }
    this.known.set(key, hash);
    return this.findings.add(f, fa);
  }

  /** Queues an index or directory write, merged with the one queued for the same document. */
  private queue(op: DocOp<CaseWriteTarget>): void {
    const id = `${op.target}:${op.id}`;
    const merged = this.seen.get(id);
    if (merged) mergeOp(merged, op);
    else this.seen.set(id, { ...op });
  }

  /**
   * Writes the queued findings, then their case-index entries, and waits for every index write
   * in flight (another scan may have taken this one's entries into its own write).
   */
  async flush(): Promise<void> {
    await this.findings.flush();
    const ops = [...this.seen.values()];
    this.seen.clear();
    if (ops.length) {
      this.counts.index += ops.filter((o) => o.target === 'index').length; // index documents (not the order directory)
      const w = this.index.apply(ops);
      this.indexWrites.add(w);
      void w.then(
        () => this.indexWrites.delete(w),
        () => this.indexWrites.delete(w),
      );
    }
    await Promise.all([...this.indexWrites]);
  }

  /** After a failure: writes what was queued if it can, else waits for the writes in flight. */
  async settle(): Promise<void> {
    await this.flush().catch(() => this.findings.settle());
  }

  /** Writes the area's figures (stats.ts `AreaTally.ops`). */
  async stats(ops: DocOp<'stats'>[]): Promise<void> {
    this.counts.stats += ops.length;
    await this.index.apply(ops);
  }
}

/** What one part of a run (the population, a source, the end) found and tallied. */
export interface PartState {
  counts: Record<DefectKind, number>;
  written: number;
  tally: AreaTally;
  /** Records counted as having a finding (each once). */
  flagged: Set<string>;
  read: number;
}

/**
 * A run's counts, part by part (the population, each source, the mis-keyed records at the end:
 * a source restored from the checkpoint brings its own), summed for the run document and the
 * area's figures.
 */
export class RunCounts {
  private readonly parts: PartState[] = [];

  /** A new part. */
  part(): PartState {
    const p: PartState = { counts: zeroCounts(), written: 0, tally: new AreaTally(), flagged: new Set(), read: 0 };
    this.parts.push(p);
    return p;
  }

  /** The run's counts so far, all parts together. */
  sum(): { counts: Record<DefectKind, number>; written: number } {
    const counts = zeroCounts();
    let written = 0;
    for (const p of this.parts) {
      written += p.written;
      for (const k of DEFECT_KINDS) counts[k] += p.counts[k];
    }
    return { counts, written };
  }

  /** The run's area tally, all parts together. */
  tally(): AreaTally {
    return AreaTally.merge(this.parts.map((p) => p.tally));
  }

  /** Tallies a record of the run's area as having a finding (each record once). */
  static flag(p: PartState, ra: FindingAreaDoc, source: SourceName, key: string): void {
    if (p.flagged.has(key)) return;
    p.flagged.add(key);
    p.tally.flag(ra, source);
  }
}
