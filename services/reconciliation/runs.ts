/**
 * Reconciliation runs: background scans of the five sources for one area, with progress,
 * checkpoints, resume after a hub restart, cancellation, and idempotent findings.
 *
 * A run (`hub.reconRuns`, one document per run, written by one writer at a time: the process
 * running it) goes through:
 *
 * 1. **INDEX**: the whole population is streamed (plain `find({})` cursor, batches of 1,000,
 *    only the fields detection reads: {@link SCAN_PROJECTION}) into a {@link PopulationIndex},
 *    whatever the run's area: a record of a person who lives elsewhere must resolve to that
 *    person, not look like an orphan. The index lives in memory only; a resumed run rebuilds it.
 *    Population-side findings (`EXPIRED_ID_CARD`, `DUPLICATE`) come from this phase.
 * 2. **SOURCES**: the four other sources' collections, all four cursors at once (the store then
 *    works on both cores), each record through {@link detectRecord}, with one
 *    {@link DuplicateTracker} (its state per source is independent). Of a health record only the
 *    patient's name, date of birth and sex are read, never its contents.
 * 3. **FINISH**: {@link DuplicateTracker.finish} (mis-keyed records reported as ORPHAN), last
 *    writes, the area's figures (stats.ts), the cases the run no longer found or found again
 *    (cases.ts, audited as the SYSTEM), status DONE.
 *
 * Only findings whose area is within the run's area are kept (see {@link areaOfFinding}):
 * the area of the person concerned (today's permanent residence); a record with no person at
 * all (ORPHAN, `personalId` null) carries no address, so its province is the one encoded in
 * its key when it is a 12-digit personal ID (the birth-registration province, mapped to today's
 * province), with no commune: such orphans appear in province runs only, never in commune runs;
 * an orphan keyed by a 9-digit number or anything else has no known area and appears in no run
 * but a national one.
 *
 * Findings go to `hub.reconFindings` with `_id = findingKey(f)` (the ground truth's key),
 * upserted (so re-running never duplicates): the finding's fields, `area`, `firstSeenRunId` /
 * `firstSeenAt` (on insert), `lastSeenRunId` / `lastSeenAt` (the run that last wrote it). **Only
 * what changed is written**: at start the run reads the content hashes of its area's findings
 * from the case index ({@link findingHash}, `h` of each entry); a finding found again with the
 * same hash is not written, only its case-index entry's `r` moves to this run's start (one update
 * per index document), so a re-run over unchanged data writes no finding (`writes` on the run
 * document counts what it wrote). Which run last found a finding is the index's (`r`, and the
 * run id under `runs.t<r>`), not the finding's. Writes run in the background while
 * scanning: unordered bulk writes of at most {@link WRITE_BATCH} single-document upserts, at most
 * {@link WRITES_IN_FLIGHT} in flight (unpatched, the embedded store stopped the hub database once
 * statements modifying existing documents, in one command or in concurrent ones, reached 100:
 * each held a pooled connection until its command returned; see localdb/patch/README.md); each
 * seen finding's case-index entry records the run's
 * start with `$max`, so overlapping runs never move it back. Two runs of overlapping areas
 * running at once may both write a new or changed finding (the same content; the finding's own
 * `lastSeen*` names either; the case index, which the API and the clearing use, keeps the later
 * start through `$max`).
 *
 * **Checkpoint and resume.** When a source has been read to its end and all its findings are
 * written, its duplicate-tracker state and area tally are saved (`reconRunState`, run-state.ts)
 * and `checkpoint.done.<source>` records its counts. {@link ReconciliationRunner.resumeAll} (at
 * hub start) picks up RUNNING runs: it rebuilds the index (population findings are rewritten:
 * idempotent, and few), restores the sources already done (not even read) and reads the others
 * again from their beginning; re-reading is idempotent (same upserts, same tracker state), so the
 * result equals an uninterrupted run. The saved state is used only when the rebuilt index holds
 * the same personal IDs in the same order ({@link PopulationIndex.fingerprint}; slots are
 * positions in the natural order); otherwise every source is read again.
 *
 * **Progress** (`progress`): `total` = documents in the five collections, once at start or
 * resume (the seed manifest's counts when present, else `estimatedDocumentCount`, which the
 * embedded store answers by scanning), `processed` = documents read in this session plus those
 * of restored sources, `ratePerS` = documents read per second in this session, `etaS`; written at
 * most once a second, with the counts so far.
 *
 * **One RUNNING run per area** (province + commune, or province alone): `start` for an area that
 * has one returns that run (idempotent start) instead of starting another, on any hub instance:
 * a start takes the area's next slot in `reconRunSlots` (`<area>#<n>`, a unique `_id`).
 *
 * **Cancellation**: `cancel` of a run this runner is executing sets a flag checked after every
 * document; the loops stop, wait for their in-flight writes and write CANCELLED (so the run
 * document keeps a single writer). A RUNNING run no loop of this runner executes is marked
 * CANCELLED directly. How a run ends is decided once, by inserting `reconRunEnds` `<run id>`
 * (DONE by its loop before the DONE write, CANCELLED by a cancellation, FAILED): a cancellation
 * never overrides a run that ended, a loop on another instance sees a cancellation within a
 * second and stops, and it never writes DONE over it. Findings already written stay.
 *
 * `close()` stops the loops between two documents, waits for their writes, and leaves their runs
 * RUNNING with their last checkpoint, to be resumed.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { SOURCES } from '../../connectors/registry';
import type { CongDanDoc } from '../../connectors/population/model';
import { vietnamDate } from '../accounts/calendar';
import type { Store } from '../../store/connection';
import { seenOp } from './case-index';
import { CaseService } from './cases';
import { detectRecord, type DetectContext, type SourceDocs } from './detect';
import { DuplicateTracker, TIE_NEAR_MISS, type DuplicateTrackerSnapshot } from './duplicates';
import { areaOfFinding, recordArea } from './finding-areas';
import {
  DEFECT_KINDS,
  OTHER_SOURCES,
  RECON_FINDINGS_COLLECTION,
  findingKey,
  withinArea,
  type DefectKind,
  type Finding,
  type FindingAreaDoc,
  type FindingDoc,
  type OtherSource,
} from './model';
import { PopulationIndex } from './population-index';
import { populationRecordKey, sourceRecordKey } from './readers';
import { dropState, loadState, saveState } from './run-state';
import { SCAN_PROJECTION } from './source-fields';
import { AreaTally } from './stats';
import {
  SOURCES_STATUS_COLLECTION as SEED_MANIFEST_COLLECTION,
  type SourcesStatusDoc as SeedManifestDoc,
} from '../../store/sources-status';
import type { AuditWriter } from '../audit/writer';
import { mergeOp, type DocOp } from '../../store/serial-writer';
import { isTransientStoreError } from '../../store/health';
import { isDuplicateKey } from '../../store/concurrency';

export const RECON_RUNS_COLLECTION = 'reconRuns';
/**
 * How a run ended (`_id` = run id): inserted once, by whoever ends the run first (its loop with
 * DONE or FAILED, a cancellation on any instance with CANCELLED); the run document follows.
 */
export const RECON_RUN_ENDS_COLLECTION = 'reconRunEnds';
/** The runs of an area in order (`_id` = `<area>#<n>`, `runId`): taking slot n+1 starts a run. */
export const RECON_RUN_SLOTS_COLLECTION = 'reconRunSlots';

type EndStatus = Exclude<RunStatus, 'RUNNING'>;
interface RunEndDoc {
  _id: string;
  status: EndStatus;
  at: Date;
}
interface RunSlotDoc {
  _id: string;
  runId: string;
}

/**
 * Leases of runs (`_id` = `<run id>#<n>`): only the holder of a run's latest lease executes it.
 * Taken by inserting the next one (a unique `_id`), renewed by its holder (`beat`), released when
 * its loop stops with the run still RUNNING (`released`).
 */
export const RECON_RUN_LEASES_COLLECTION = 'reconRunLeases';
/** Default time a lease may go without a renewal before another instance takes the run over. */
export const LEASE_TTL_MS = 15_000;

interface RunLeaseDoc {
  _id: string;
  runId: string;
  n: number;
  /** The runner (hub instance) holding it. */
  holder: string;
  at: Date;
  /** Renewals so far (its holder alone writes it). */
  beat: number;
  released?: boolean;
}

/** Single-document upserts per bulk write (< 100: see the module comment). */
export const WRITE_BATCH = 50;
/** Bulk writes in flight per run. */
export const WRITES_IN_FLIGHT = 4;
const CURSOR_BATCH = 1000;
const PROGRESS_EVERY_MS = 1000;

export interface RunArea {
  province: string;
  commune?: string | null;
}

export type RunStatus = 'RUNNING' | 'DONE' | 'CANCELLED' | 'FAILED';
export type RunPhase = 'INDEX' | 'SOURCES' | 'FINISH' | 'DONE';

export interface RunProgress {
  processed: number;
  total: number;
  /** Documents read per second in the current session. */
  ratePerS: number;
  /** Seconds left at that rate (null: unknown yet). */
  etaS: number | null;
}

/** What a source fully read and written found (the rest of its state is in `reconRunState`). */
export interface SourceCheckpoint {
  counts: Record<DefectKind, number>;
  written: number;
  /** Documents read. */
  read: number;
}

export interface RunCheckpoint {
  /** The sources fully read, and their findings all written. */
  done: Partial<Record<OtherSource, SourceCheckpoint>>;
  /** The index the saved tracker state refers to (slots are positions in the natural order). */
  populationSize: number;
  firstPersonalId: string | null;
  lastPersonalId: string | null;
  /** {@link PopulationIndex.fingerprint}: the same IDs in the same order. */
  populationHash?: string;
}

export interface RunDoc {
  _id: string;
  area: { province: string; commune: string | null };
  startedBy: string;
  status: RunStatus;
  phase: RunPhase;
  progress: RunProgress;
  /** Findings of the run's area, per kind (complete once DONE). */
  counts: Record<DefectKind, number>;
  findings: number;
  checkpoint: RunCheckpoint | null;
  /**
   * The reference date (YYYY-MM-DD) validity is judged on (expired cards, deceased-but-active):
   * fixed when the run starts, used throughout, also after a resume (`ReconciliationRun.referenceDate`).
   */
  today: string;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** How many times the run was resumed after a restart. */
  resumes: number;
  /** Cases the run found no longer present (CLEARED) and resolved cases it found again (RECURRED). */
  casesCleared?: number;
  casesRecurred?: number;
  /** The documents the run wrote (all its sessions); absent on runs from before this counter. */
  writes?: RunWrites;
}

/** What a run wrote: a re-run over unchanged data writes no finding, only the per-area documents. */
export interface RunWrites {
  /** Finding documents written (new or changed). */
  findings: number;
  /** Findings found again exactly as stored: not written. */
  unchanged: number;
  /** Case-index document updates (one per area document and flush, whatever its number of findings). */
  index: number;
  /** Area figure (`reconStats`) updates. */
  stats: number;
}

function zeroWrites(): RunWrites {
  return { findings: 0, unchanged: 0, index: 0, stats: 0 };
}

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

export interface ReconciliationRunnerOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
  /** The day validity is judged on (YYYY-MM-DD); default: today in Vietnam per `now`. */
  today?: () => string;
  /**
   * The process's case service (its writer must be the only one writing the case index and the
   * stats in this process). Default: a new one (tools and tests that run no hub).
   */
  cases?: CaseService;
  /** Where the case changes a run makes (CLEARED, RECURRED) are audited, as the SYSTEM. */
  audit?: Pick<AuditWriter, 'append'>;
  /**
   * At most this many documents read per second by a run (all its cursors together), so that a
   * run does not take the sources' whole capacity from the hub's requests. Default: no limit.
   */
  maxDocsPerS?: number;
  /**
   * How long a run's lease may stay unrenewed, as seen on this runner's own clock, before this
   * runner takes the run over (its instance is taken for dead). Default {@link LEASE_TTL_MS}.
   */
  leaseTtlMs?: number;
}

function zeroCounts(): Record<DefectKind, number> {
  return Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as Record<DefectKind, number>;
}

function areaKey(a: { province: string; commune?: string | null }): string {
  return `${a.province}/${a.commune ?? ''}`;
}

class Stopped extends Error {}

/** What one part of a run (the population, a source, the end) found and tallied. */
interface PartState {
  counts: Record<DefectKind, number>;
  written: number;
  tally: AreaTally;
  /** Records counted as having a finding (each once). */
  flagged: Set<string>;
  read: number;
}

/** Upserts findings in the background: bounded batches, bounded in flight. */
class FindingWriter {
  private buf: AnyBulkWriteOperation<FindingDoc>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
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

  private async send(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    if (this.buf.length === 0) return;
    const ops = this.buf;
    this.buf = [];
    const p: Promise<void> = this.col.bulkWrite(ops, { ordered: false }).then(
      () => {
        this.written += ops.length;
        this.inFlight.delete(p);
      },
      (err: unknown) => {
        this.failure ??= err;
        this.inFlight.delete(p);
      },
    );
    this.inFlight.add(p);
  }

  /** Sends what is buffered and waits for every write. */
  async flush(): Promise<void> {
    await this.send();
    await Promise.all([...this.inFlight]);
    if (this.failure) throw this.failure;
  }

  /** Waits for the writes in flight (after a failure). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

interface ActiveRun {
  id: string;
  areaKey: string;
  cancel: boolean;
  stop: boolean;
  /** Ended by losing the store: left RUNNING, to be resumed. */
  interrupted: boolean;
  /** The lease this loop holds (`<run id>#<n>`), and whether another instance has taken it over. */
  lease: string;
  lost: boolean;
  done: Promise<void>;
}

/** How long after a run was interrupted by the store the runner tries to resume it (again). */
const RESUME_RETRY_MS = 5_000;

export class ReconciliationRunner {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly today: () => string;
  /** Cases of the findings; its writer keeps the case index and the area stats. */
  readonly cases: CaseService;
  private readonly audit: Pick<AuditWriter, 'append'> | null;
  private readonly maxDocsPerS: number;
  private readonly active = new Map<string, ActiveRun>();
  /** This runner, as a lease holder. */
  private readonly instance = randomUUID();
  private readonly leaseTtlMs: number;
  /** Runs held elsewhere: their latest lease as last seen, and since when (this runner's monotonic clock). */
  private readonly observed = new Map<string, { id: string; beat: number; since: number }>();
  /** Runs this runner is taking a lease of (resumeAll called again meanwhile skips them). */
  private readonly taking = new Set<string>();
  private watchTimer: NodeJS.Timeout | null = null;
  /** Serialises start() per area within this process. */
  private readonly starting = new Map<string, Promise<RunDoc>>();
  private closed = false;

  constructor(opts: ReconciliationRunnerOptions) {
    this.store = opts.store;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.today = opts.today ?? (() => vietnamDate(this.now()));
    this.cases = opts.cases ?? new CaseService({ store: opts.store, logger: opts.logger, now: this.now });
    this.audit = opts.audit ?? null;
    this.maxDocsPerS = opts.maxDocsPerS ?? Infinity;
    this.leaseTtlMs = opts.leaseTtlMs ?? LEASE_TTL_MS;
  }

  private get leases(): Collection<RunLeaseDoc> {
    return this.store.hubDb.collection<RunLeaseDoc>(RECON_RUN_LEASES_COLLECTION);
  }

  /** The run's latest lease (the chain `#1`, `#2`, … is short: one per start or take-over). */
  private async latestLease(runId: string): Promise<RunLeaseDoc | null> {
    let last: RunLeaseDoc | null = null;
    for (let n = 1; ; n++) {
      const d = await this.leases.findOne({ _id: `${runId}#${n}` });
      if (!d) return last;
      last = d;
    }
  }

  /**
   * Takes the run's lease when it is free: none yet, released, this runner's own (no loop of it
   * runs here), or not renewed for `leaseTtlMs` as measured here (no clock is compared across
   * machines: only whether its `beat` moved). Taking it is inserting the next lease, so of two
   * instances only one takes it. Returns the lease's `_id`, or null (held elsewhere, or lost).
   */
  private async takeLease(runId: string): Promise<string | null> {
    const last = await this.latestLease(runId);
    if (last && !last.released && last.holder !== this.instance) {
      const t = performance.now();
      const seen = this.observed.get(runId);
      if (!seen || seen.id !== last._id || seen.beat !== last.beat) {
        this.observed.set(runId, { id: last._id, beat: last.beat, since: t });
        return null;
      }
      if (t - seen.since < this.leaseTtlMs) return null;
      this.logger.warn({ runId, lease: last._id }, 'reconciliation run: lease lapsed; taking the run over');
    }
    const n = (last?.n ?? 0) + 1;
    const id = `${runId}#${n}`;
    try {
      await this.leases.insertOne({ _id: id, runId, n, holder: this.instance, at: this.now(), beat: 0 });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      return null; // another instance took it first
    }
    this.observed.delete(runId);
    return id;
  }

  /** Renews the lease; marks the loop lost (it stops) when another instance has taken the run over. */
  private async renewLease(a: ActiveRun): Promise<boolean> {
    if (a.lost) return false;
    const n = Number(a.lease.slice(a.lease.lastIndexOf('#') + 1));
    const [, next] = await Promise.all([
      this.leases.updateOne({ _id: a.lease }, { $inc: { beat: 1 } }),
      this.leases.findOne({ _id: `${a.id}#${n + 1}` }),
    ]);
    if (next) {
      a.lost = true;
      a.stop = true;
      this.logger.warn({ runId: a.id }, 'reconciliation run: taken over by another instance; this loop stops');
    }
    return !a.lost;
  }

  private get runs(): Collection<RunDoc> {
    return this.store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION);
  }

  private get ends(): Collection<RunEndDoc> {
    return this.store.hubDb.collection<RunEndDoc>(RECON_RUN_ENDS_COLLECTION);
  }

  private get slots(): Collection<RunSlotDoc> {
    return this.store.hubDb.collection<RunSlotDoc>(RECON_RUN_SLOTS_COLLECTION);
  }

  /**
   * Decides how a run ends: the first end inserted wins (a unique `_id`, atomic on MongoDB and
   * on the embedded store, across hub instances). Returns the end that stands and whether it is
   * this caller's.
   */
  private async decideEnd(runId: string, status: EndStatus): Promise<{ status: EndStatus; mine: boolean }> {
    try {
      await this.ends.insertOne({ _id: runId, status, at: this.now() });
      return { status, mine: true };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const end = await this.ends.findOne({ _id: runId });
      return { status: end?.status ?? status, mine: false };
    }
  }

  private get findings(): Collection<FindingDoc> {
    return this.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION);
  }

  /**
   * Starts a run for an area in the background and returns its document as created; when the
   * area already has a RUNNING run, returns that one instead.
   */
  start(area: RunArea, startedBy: string): Promise<RunDoc> {
    if (this.closed) return Promise.reject(new Error('reconciliation runner is closed'));
    const a = { province: area.province, commune: area.commune ?? null };
    const key = areaKey(a);
    const pending = this.starting.get(key);
    if (pending) return pending;
    const p = this.doStart(a, startedBy).finally(() => this.starting.delete(key));
    this.starting.set(key, p);
    return p;
  }

  /**
   * The area's runs are a chain of slots (`<area>#1`, `#2`, …): a start reads the last one and,
   * unless its run is still RUNNING, takes the next by inserting it (a unique `_id`). Two starts
   * (on any hub instances) cannot both take it: the loser withdraws its run and returns the
   * winner's. The run document is written before its slot, so a slot always names a run.
   */
  private async doStart(area: { province: string; commune: string | null }, startedBy: string): Promise<RunDoc> {
    const key = areaKey(area);
    for (let attempt = 0; attempt < 5; attempt++) {
      let n = 0;
      let last: RunSlotDoc | null = null;
      for (let next = await this.slots.findOne({ _id: `${key}#1` }); next;) {
        n++;
        last = next;
        next = await this.slots.findOne({ _id: `${key}#${n + 1}` });
      }
      const held = last ? await this.get(last.runId) : null;
      if (held?.status === 'RUNNING') return held;
      if (!last) {
        // Runs started before the slots existed: the runs collection is small, a scan.
        const running = (await this.runs.find({ status: 'RUNNING' }).toArray()).find((r) => areaKey(r.area) === key);
        if (running && (await this.get(running._id))?.status === 'RUNNING') return running;
      }
      const at = this.now();
      const doc: RunDoc = {
        _id: randomUUID(),
        area,
        startedBy,
        status: 'RUNNING',
        phase: 'INDEX',
        progress: { processed: 0, total: 0, ratePerS: 0, etaS: null },
        counts: zeroCounts(),
        findings: 0,
        checkpoint: null,
        today: this.today(),
        error: null,
        createdAt: at,
        updatedAt: at,
        finishedAt: null,
        resumes: 0,
      };
      // The run's first lease before the run exists: no other instance's resumeAll can take it.
      const lease = `${doc._id}#1`;
      await this.leases.insertOne({ _id: lease, runId: doc._id, n: 1, holder: this.instance, at, beat: 0 });
      await this.runs.insertOne(doc);
      try {
        await this.slots.insertOne({ _id: `${key}#${n + 1}`, runId: doc._id });
      } catch (e) {
        await this.runs.deleteOne({ _id: doc._id });
        if (!isDuplicateKey(e)) throw e;
        continue; // another start took the slot: its run is read on the next pass
      }
      this.launch(doc, lease);
      this.logger.info({ runId: doc._id, area, startedBy }, 'reconciliation run started');
      return doc;
    }
    throw new Error('reconciliation run: the area was started concurrently too often; retry');
  }

  /**
   * Resumes the RUNNING runs no loop of this runner executes and whose lease it can take (call at
   * hub start, and through {@link watch}); their ids. A run held by a live instance is left to it;
   * one whose lease lapses is taken over on a later call.
   */
  async resumeAll(): Promise<string[]> {
    if (this.closed) return [];
    const running = await this.runs.find({ status: 'RUNNING' }).toArray();
    const ids: string[] = [];
    for (const r of running) {
      if (this.closed || this.active.has(r._id) || this.taking.has(r._id)) continue;
      this.taking.add(r._id);
      let doc: RunDoc | null = null;
      try {
        const end = await this.ends.findOne({ _id: r._id });
        if (end) {
          // Ended (cancelled on another instance) before its document said so: complete the end.
          await this.writeEnd(r._id, end.status, end.at);
          continue;
        }
        const lease = this.closed ? null : await this.takeLease(r._id);
        if (!lease) continue;
        // The run as it is now (its previous holder's last checkpoint).
        doc = await this.runs.findOne({ _id: r._id });
        if (!doc || doc.status !== 'RUNNING' || (await this.ends.findOne({ _id: r._id }))) {
          await this.leases.updateOne({ _id: lease }, { $set: { released: true } }).catch(() => undefined);
          continue;
        }
        this.launch(doc, lease, true);
      } finally {
        this.taking.delete(r._id);
      }
      ids.push(r._id);
      this.logger.info(
        { runId: r._id, sourcesDone: Object.keys(doc?.checkpoint?.done ?? {}) },
        'reconciliation run resumed',
      );
    }
    return ids;
  }

  /** The run; a RUNNING document whose end was already decided shows that end. */
  async get(runId: string): Promise<RunDoc | null> {
    const doc = await this.runs.findOne({ _id: runId });
    if (doc?.status !== 'RUNNING') return doc;
    const end = await this.ends.findOne({ _id: runId });
    return end ? { ...doc, status: end.status, finishedAt: end.at, progress: { ...doc.progress, etaS: null } } : doc;
  }

  /**
   * Cancels a RUNNING run; resolves once it is CANCELLED (when this runner executes it, after its
   * loop stopped). Returns the run's document (unchanged when it was not RUNNING), or null. The
   * cancellation is decided by {@link decideEnd}: it never overrides a run that ended meanwhile,
   * and a loop executing the run on another instance sees it within a second and stops.
   */
  async cancel(runId: string): Promise<RunDoc | null> {
    const a = this.active.get(runId);
    if (a) {
      a.cancel = true;
      await a.done;
      return this.get(runId);
    }
    const r = await this.get(runId);
    if (!r || r.status !== 'RUNNING') return r;
    const end = await this.decideEnd(runId, 'CANCELLED');
    if (end.mine) await this.writeEnd(runId, 'CANCELLED', this.now());
    return this.get(runId);
  }

  /** Writes a decided end onto a run document no loop of this runner executes. */
  private async writeEnd(runId: string, status: EndStatus, at: Date): Promise<void> {
    await this.runs.updateOne(
      { _id: runId },
      { $set: { status, updatedAt: at, finishedAt: at, 'progress.etaS': null } },
    );
    await dropState(this.store, runId).catch(() => undefined);
  }

  /** Waits for a run this runner executes to end (or stop); resolves at once otherwise. */
  async wait(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /**
   * Calls {@link resumeAll} every half lease time to live, so that a run whose instance died is
   * taken over once its lease lapses (the hub calls it at start).
   */
  watch(): void {
    if (this.closed || this.watchTimer) return;
    this.watchTimer = setInterval(
      () => {
        this.resumeAll().catch((err: unknown) => this.logger.warn({ err }, 'reconciliation runs: lease watch failed'));
      },
      Math.max(100, this.leaseTtlMs / 2),
    );
    this.watchTimer.unref();
  }

  /** Stops every loop between two documents, waits for their writes; runs stay RUNNING. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.active.values()];
    for (const a of all) a.stop = true;
    await Promise.allSettled(all.map((a) => a.done));
  }

  /**
   * Documents per collection, for `progress.total`: the seed manifest's counts when it has them
   * all (one `_id` read), else `estimatedDocumentCount` (on the embedded store a full scan of each
   * collection: ~2.8 s for 5,000 documents, as long as half the run).
   */
  private async collectionSizes(cols: ReadonlyArray<{ db: string; collection: string }>): Promise<number[]> {
    const manifest = await this.store.hubDb
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
        this.store
          .db(c.db)
          .collection(c.collection)
          .estimatedDocumentCount()
          .catch((err: unknown) => {
            this.logger.warn({ err, collection: c.collection }, 'reconciliation run: could not count; total unknown');
            return 0;
          }),
      ),
    );
  }

  private launch(doc: RunDoc, lease: string, resume = false): void {
    const a: ActiveRun = {
      id: doc._id,
      areaKey: areaKey(doc.area),
      cancel: false,
      stop: false,
      interrupted: false,
      lease,
      lost: false,
      done: Promise.resolve(),
    };
    this.active.set(doc._id, a);
    // Renewed while the loop runs; a take-over elsewhere (this instance was taken for dead) stops it.
    const renew = setInterval(
      () => {
        this.renewLease(a).catch((err: unknown) =>
          this.logger.warn({ err, runId: doc._id }, 'reconciliation run: lease not renewed'),
        );
      },
      Math.max(50, this.leaseTtlMs / 4),
    );
    renew.unref();
    a.done = this.execute(doc, a, resume)
      .catch((err: unknown) => {
        // The run document still says RUNNING: resumed later, like an interruption.
        a.interrupted = true;
        this.logger.error({ err, runId: doc._id }, 'reconciliation run: could not record its end');
      })
      .finally(async () => {
        clearInterval(renew);
        // Still RUNNING (closed, interrupted): the lease is released for whoever resumes it.
        if (!a.lost) {
          await this.leases.updateOne({ _id: lease }, { $set: { released: true } }).catch(() => undefined);
        }
        this.active.delete(doc._id);
        if (a.interrupted) this.resumeSoon();
      });
  }

  private resumeTimer: NodeJS.Timeout | null = null;

  /** Tries resumeAll in a while, and again while the store is still away. */
  private resumeSoon(): void {
    if (this.closed || this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.resumeAll().catch(() => this.resumeSoon());
    }, RESUME_RETRY_MS);
    this.resumeTimer.unref();
  }

  private async execute(doc: RunDoc, a: ActiveRun, resume: boolean): Promise<void> {
    const runId = doc._id;
    const area = doc.area;
    const cp = resume && doc.checkpoint && 'done' in doc.checkpoint ? doc.checkpoint : null;
    const t0 = Date.now();
    let lastWrite = 0;
    let runDocWrite: Promise<unknown> = Promise.resolve();
    const writer = new FindingWriter(this.findings, runId, this.now);
    let phase: RunPhase = 'INDEX';
    let processed = 0; // documents read in this session, plus those of sources restored from the checkpoint
    let read = 0; // documents read in this session
    let total = 0;
    // What each part of the run found: the population, each source, the mis-keyed records at the end.
    const parts: PartState[] = [];
    const part = (): PartState => {
      const p: PartState = { counts: zeroCounts(), written: 0, tally: new AreaTally(), flagged: new Set(), read: 0 };
      parts.push(p);
      return p;
    };
    const sum = (): { counts: Record<DefectKind, number>; written: number } => {
      const counts = zeroCounts();
      let written = 0;
      for (const p of parts) {
        written += p.written;
        for (const k of DEFECT_KINDS) counts[k] += p.counts[k];
      }
      return { counts, written };
    };
    // The case-index entries of the findings written since the last flush, one op per document.
    const seen = new Map<string, DocOp<'index'>>();
    // What this run wrote: earlier sessions' (resume) plus this one's.
    const writes: RunWrites = { ...zeroWrites(), ...(resume ? doc.writes : undefined) };
    const writesNow = (): RunWrites => ({ ...writes, findings: writes.findings + writer.written });
    // The findings stored for the area, as content hashes (key → hash; read at start).
    let known = new Map<string, string>();
    const runRef = { id: runId, startedAt: doc.createdAt };

    const progress = (): RunProgress => {
      const secs = (Date.now() - t0) / 1000;
      const ratePerS = secs > 0 ? Math.round(read / secs) : 0;
      return {
        processed,
        total: Math.max(total, processed),
        ratePerS,
        etaS: ratePerS > 0 ? Math.ceil(Math.max(0, total - processed) / ratePerS) : null,
      };
    };
    /** One write at a time to the run document (the embedded store loses concurrent updates of one document). */
    const updateRun = (update: Document, swallow: boolean): Promise<unknown> => {
      const w = runDocWrite.then(() => this.runs.updateOne({ _id: runId }, update));
      runDocWrite = w.catch((err: unknown) => {
        if (swallow) this.logger.warn({ err, runId }, 'reconciliation run: progress not saved');
      });
      return swallow ? runDocWrite : w;
    };
    const saveProgress = (force = false): Promise<unknown> => {
      const t = Date.now();
      if (!force && t - lastWrite < PROGRESS_EVERY_MS) return runDocWrite;
      lastWrite = t;
      // A cancellation decided on another instance: stop at the next document.
      void this.ends.findOne({ _id: runId }).then(
        (end) => {
          if (end) a.cancel = true;
        },
        () => undefined,
      );
      const { counts, written } = sum();
      return updateRun(
        {
          $set: { phase, progress: progress(), counts, findings: written, writes: writesNow(), updatedAt: this.now() },
        },
        true,
      );
    };
    /** Keeps the run at or under maxDocsPerS (checked every 64 documents). */
    const pace = async (): Promise<void> => {
      if (this.maxDocsPerS === Infinity || (read & 63) !== 0) return;
      const ahead = (read / this.maxDocsPerS) * 1000 - (Date.now() - t0);
      if (ahead > 20) await new Promise((r) => setTimeout(r, ahead));
    };
    // Set when one of the parallel scans failed: the others stop at their next document.
    let failed = false;
    const check = (): void => {
      if (a.cancel || a.stop || failed) throw new Stopped();
    };
    const flag = (p: PartState, ra: FindingAreaDoc, source: Finding['source'], key: string): void => {
      if (p.flagged.has(key)) return;
      p.flagged.add(key);
      p.tally.flag(ra, source);
    };
    const keep = (p: PartState, f: Finding, index: PopulationIndex, tallied = true): Promise<void> | null => {
      const fa = areaOfFinding(f, index);
      if (!withinArea(fa, area)) return null;
      p.counts[f.kind]++;
      p.written++;
      if (tallied) {
        // A population record is tallied under its own area (a DUPLICATE's finding area is the kept record's).
        const ra = f.source === 'population' ? recordArea(index.slotOf(f.recordKey), f.recordKey, index) : fa;
        flag(p, ra, f.source, f.recordKey);
      }
      // Written only when it differs from what is stored (a re-run over the same data writes none).
      const key = findingKey(f);
      const hash = findingHash(f, fa);
      const unchanged = known.get(key) === hash;
      const op = seenOp({ _id: key, source: f.source, kind: f.kind, area: fa }, runRef, unchanged ? null : hash);
      const merged = seen.get(op.id);
      if (merged) mergeOp(merged, op);
      else seen.set(op.id, op);
      if (unchanged) {
        writes.unchanged++;
        return null;
      }
      known.set(key, hash);
      return writer.add(f, fa);
    };
    // Index writes in flight, from any of the parallel scans.
    const indexWrites = new Set<Promise<void>>();
    /**
     * Writes the queued findings, then their case-index entries, and waits for every index write
     * in flight (another scan may have taken this one's entries into its own write).
     */
    const flushAll = async (): Promise<void> => {
      await writer.flush();
      const ops = [...seen.values()];
      seen.clear();
      if (ops.length) {
        writes.index += ops.length;
        const w = this.cases.writer.apply(ops);
        indexWrites.add(w);
        void w.then(
          () => indexWrites.delete(w),
          () => indexWrites.delete(w),
        );
      }
      await Promise.all([...indexWrites]);
    };

    try {
      const popCol = this.store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
      const sizes = await this.collectionSizes([SOURCES.population, ...OTHER_SOURCES.map((s) => SOURCES[s])]);
      total = sizes.reduce((s, n) => s + n, 0);
      known = await this.cases.knownHashes(area);
      this.logger.debug({ runId, ms: Date.now() - t0, total }, 'reconciliation run: counted');
      if (resume) {
        await this.runs.updateOne({ _id: runId }, { $inc: { resumes: 1 }, $set: { updatedAt: this.now() } });
      }
      await saveProgress(true);

      // 1. The whole population, in memory (its findings are (re)written on every resume: few, idempotent).
      const index = new PopulationIndex({ today: doc.today });
      const pop = part();
      for await (const p of popCol.find({}, { batchSize: CURSOR_BATCH, projection: SCAN_PROJECTION.population })) {
        check();
        const person = p as CongDanDoc;
        for (const f of index.add(person)) {
          const w = keep(pop, f, index);
          if (w) await w;
        }
        // Its key as the index holds it (an unusable _id, a number included, hashed).
        const personKey = populationRecordKey(person._id);
        const ra = recordArea(index.slotOf(personKey), personKey, index);
        if (withinArea(ra, area)) pop.tally.record(ra, 'population');
        processed++;
        read++;
        if ((read & 255) === 0) void saveProgress();
        await pace();
      }
      check();
      this.logger.debug({ runId, ms: Date.now() - t0, people: index.size }, 'reconciliation run: index built');

      // 2. The other sources, all at once; those the checkpoint has as done are restored, not read.
      phase = 'SOURCES';
      const idx = {
        populationSize: index.size,
        firstPersonalId: index.size > 0 ? index.idOf(0) : null,
        lastPersonalId: index.size > 0 ? index.idOf(index.size - 1) : null,
        populationHash: index.fingerprint(),
      };
      const duplicates = new DuplicateTracker();
      const done: Partial<Record<OtherSource, SourceCheckpoint>> = {};
      const fits =
        cp !== null &&
        cp.populationSize === idx.populationSize &&
        cp.firstPersonalId === idx.firstPersonalId &&
        cp.lastPersonalId === idx.lastPersonalId &&
        cp.populationHash === idx.populationHash;
      if (cp && !fits) {
        this.logger.warn({ runId }, 'reconciliation run: population changed since the checkpoint; sources re-scanned');
      }
      for (const [i, source] of OTHER_SOURCES.entries()) {
        const saved = fits ? cp.done[source] : undefined;
        if (!saved) continue;
        const [tracker, tally] = await Promise.all([
          loadState<DuplicateTrackerSnapshot>(this.store, runId, `duplicates:${source}`),
          loadState<string>(this.store, runId, `tally:${source}`),
        ]);
        if (!tracker || tally === null) continue; // state not saved: read the source again
        duplicates.restoreSource(tracker);
        const p = part();
        p.counts = { ...saved.counts };
        p.written = saved.written;
        p.tally = AreaTally.parse(tally);
        done[source] = saved;
        processed += sizes[i + 1];
      }
      await updateRun({ $set: { phase, checkpoint: { done, ...idx }, updatedAt: this.now() } }, false);
      const scan = async (source: OtherSource): Promise<void> => {
        const p = part();
        // Each scan has its own context: detectRecord reports the record's person through it.
        const ctx: DetectContext = { today: doc.today, duplicates };
        const col = this.store.db(SOURCES[source].db).collection<Document>(SOURCES[source].collection);
        for await (const d of col.find({}, { batchSize: CURSOR_BATCH, projection: SCAN_PROJECTION[source] })) {
          check();
          const fs = detectRecord(source, d as unknown as SourceDocs[typeof source], index, ctx);
          const key = sourceRecordKey(d._id);
          const ra = recordArea(ctx.lastSlot ?? -1, key, index);
          if (withinArea(ra, area)) {
            p.tally.record(ra, source);
            // A record tied by a near-miss key always ends up DUPLICATE or ORPHAN (at FINISH).
            if (ctx.lastTie === TIE_NEAR_MISS) flag(p, ra, source, key);
          }
          for (const f of fs) {
            const w = keep(p, f, index);
            if (w) await w;
          }
          p.read++;
          processed++;
          read++;
          if ((read & 255) === 0) void saveProgress();
          await pace();
        }
        check();
        // Done: its findings durably written, then its state, then the checkpoint names it.
        await flushAll();
        await saveState(this.store, runId, `duplicates:${source}`, duplicates.snapshotSource(source));
        await saveState(this.store, runId, `tally:${source}`, p.tally.serialize());
        done[source] = { counts: p.counts, written: p.written, read: p.read };
        await updateRun({ $set: { [`checkpoint.done.${source}`]: done[source], updatedAt: this.now() } }, false);
        this.logger.debug({ runId, ms: Date.now() - t0, source }, 'reconciliation run: source done');
      };
      const scans = await Promise.allSettled(
        OTHER_SOURCES.filter((s) => !done[s]).map((s) =>
          scan(s).catch((err: unknown) => {
            if (!(err instanceof Stopped)) failed = true;
            throw err;
          }),
        ),
      );
      const failures = scans.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
      // A real failure wins over the Stopped of the scans that were cut short meanwhile.
      if (failures.length) throw failures.find((e) => !(e instanceof Stopped)) ?? failures[0];

      // 3. Mis-keyed records (tallied when read), last writes, the area's figures, the cases.
      phase = 'FINISH';
      const end = part();
      for (const f of duplicates.finish(index)) {
        const w = keep(end, f, index, false);
        if (w) await w;
      }
      await flushAll();
      await runDocWrite;
      const at = this.now();
      const statOps = AreaTally.merge(parts.map((p) => p.tally)).ops(area, runId, at);
      writes.stats += statOps.length;
      await this.cases.writer.apply(statOps);
      // Every case change of the run is audited (as the SYSTEM) as it is made, before anything can stop it.
      const changes = await this.cases.afterRun(
        { id: runId, startedAt: doc.createdAt, area },
        {
          shouldStop: () => a.cancel || a.stop,
          audit: this.audit
            ? async (caseChanges) => {
                await this.audit!.append({
                  at: this.now(),
                  requestId: `reconciliation-run:${runId}`,
                  operation: 'reconciliationRun',
                  actor: { kind: 'SYSTEM', id: `run:${runId}` },
                  citizens: [],
                  caseChanges,
                });
              }
            : undefined,
        },
      );
      check();
      // Still this instance's run (not taken over while it looked dead): then its end is decided.
      if (!(await this.renewLease(a))) throw new Stopped();
      if (!(await this.decideEnd(runId, 'DONE')).mine) {
        a.cancel = true; // cancelled on another instance meanwhile
        throw new Stopped();
      }
      phase = 'DONE';
      const secs = (Date.now() - t0) / 1000;
      const { counts, written } = sum();
      await updateRun(
        {
          $set: {
            status: 'DONE',
            phase,
            counts,
            findings: written,
            checkpoint: null,
            progress: {
              processed,
              total: Math.max(total, processed),
              ratePerS: secs > 0 ? Math.round(read / secs) : 0,
              etaS: 0,
            },
            writes: writesNow(),
            casesCleared: changes.filter((c) => c.event === 'CLEARED').length,
            casesRecurred: changes.filter((c) => c.event === 'RECURRED').length,
            updatedAt: at,
            finishedAt: at,
          },
        },
        false,
      );
      await dropState(this.store, runId).catch((err: unknown) =>
        this.logger.warn({ err, runId }, 'reconciliation run: saved state not removed'),
      );
      this.logger.info(
        { runId, area, findings: written, documents: processed, seconds: Math.round(secs * 10) / 10 },
        'reconciliation run done',
      );
    } catch (err) {
      // Write what was queued (the counts include it), then record the end.
      await flushAll().catch(() => writer.settle());
      await runDocWrite;
      if (err instanceof Stopped && a.lost) {
        // Taken over by another instance: the run document is that instance's now.
        this.logger.info({ runId }, 'reconciliation run left to the instance that took it over');
        return;
      }
      if (err instanceof Stopped && !a.cancel) {
        // close(): leave the run RUNNING with its last checkpoint.
        await this.runs.updateOne(
          { _id: runId },
          { $set: { progress: progress(), writes: writesNow(), updatedAt: this.now() } },
        );
        this.logger.info({ runId }, 'reconciliation run stopped (resumable)');
        return;
      }
      if (isTransientStoreError(err) && !a.cancel) {
        // The store went away: the run stays RUNNING with its last checkpoint and is resumed
        // when the store is back (the hub calls resumeAll then), not failed.
        this.logger.warn(
          { runId, err },
          'reconciliation run interrupted by the store; it resumes when the store returns',
        );
        a.interrupted = true;
        return;
      }
      const at = this.now();
      // The end another instance decided first (a cancellation) stands.
      const end = await this.decideEnd(runId, err instanceof Stopped ? 'CANCELLED' : 'FAILED');
      const { counts, written } = sum();
      await this.runs.updateOne(
        { _id: runId },
        {
          $set: {
            status: end.status,
            // The detail (which may quote a record key, a personal ID) stays in the log.
            error:
              end.status === 'FAILED'
                ? `${(err as Error)?.name ?? 'Error'}: the run failed; see the hub log (run ${runId})`
                : null,
            counts,
            findings: written,
            writes: writesNow(),
            progress: { ...progress(), etaS: null },
            updatedAt: at,
            finishedAt: at,
          },
        },
      );
      await dropState(this.store, runId).catch(() => undefined);
      if (end.status === 'FAILED') this.logger.error({ err, runId }, 'reconciliation run failed');
      else this.logger.info({ runId, status: end.status }, 'reconciliation run ended');
    }
  }
}
