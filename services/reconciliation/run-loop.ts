/**
 * The loop of one run session (runs.ts starts it; a resumed run starts a new one): the batch loop
 * over the population and the sources, its checkpoints and progress, and how it ends.
 *
 * 1. **INDEX**: the whole population is streamed (plain `find({})` cursor, batches of 1,000,
 *    only the fields detection reads: `SCAN_PROJECTION`) into a `PopulationIndex`, whatever the
 *    run's area: a record of a person who lives elsewhere must resolve to that person, not look
 *    like an orphan. The index lives in memory only; a resumed run rebuilds it. Population-side
 *    findings (`EXPIRED_ID_CARD`, `DUPLICATE`) come from this phase.
 * 2. **SOURCES**: the four other sources' collections, all four cursors at once (the store then
 *    works on both cores), each record through `detectRecord`, with one `DuplicateTracker` (its
 *    state per source is independent). Of a health record only the patient's name, date of birth
 *    and sex are read, never its contents.
 * 3. **FINISH**: `DuplicateTracker.finish` (mis-keyed records reported as ORPHAN), last writes,
 *    the area's figures (stats.ts), the cases the run no longer found or found again (cases.ts,
 *    audited as the SYSTEM), status DONE.
 *
 * Only findings whose area is within the run's area are kept (finding-areas.ts): an orphan with
 * a 12-digit key appears in its province's runs only, never in commune runs; one with no known
 * area in national runs only. What is written, and how: run-writer.ts.
 *
 * **Checkpoint and resume.** When a source has been read to its end and all its findings are
 * written, its duplicate-tracker state and area tally are saved (`reconRunState`, run-state.ts)
 * and `checkpoint.done.<source>` records its counts. A resumed session rebuilds the index
 * (population findings are rewritten: idempotent, and few), restores the sources already done
 * (not even read) and reads the others again from their beginning; re-reading is idempotent (same
 * upserts, same tracker state), so the result equals an uninterrupted run. The saved state is used
 * only when the rebuilt index holds the same personal IDs in the same order
 * (`PopulationIndex.fingerprint`; slots are positions in the natural order); otherwise every
 * source is read again.
 *
 * Progress and the run document: run-progress.ts.
 */
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { SOURCES } from '../../connectors/registry';
import type { CongDanDoc } from '../../connectors/population/model';
import type { Store } from '../../store/connection';
import { assertCollectionExists, readToEnd } from '../../store/cursors';
import { isTransientStoreError } from '../../store/health';
import type { CaseChangeRecord } from '../audit/model';
import type { AuditWriter } from '../audit/writer';
import type { CaseService } from './cases';
import { detectRecord, type DetectContext, type SourceDocs } from './detect';
import { DuplicateTracker, TIE_NEAR_MISS, type DuplicateTrackerSnapshot } from './duplicates';
import { areaOfFinding, recordArea } from './finding-areas';
import {
  OTHER_SOURCES,
  RECON_FINDINGS_COLLECTION,
  RECON_RUNS_COLLECTION,
  withinArea,
  type ActiveRun,
  type Finding,
  type FindingDoc,
  type OtherSource,
  type RunDoc,
  type RunPhase,
  type SourceCheckpoint,
} from './model';
import { PopulationIndex } from './population-index';
import { populationRecordKey, sourceRecordKey } from './readers';
import { doneSet, type DoneFigures, type RunEnds, type RunLeases } from './run-leases';
import { dropState, loadState, saveState } from './run-state';
import { ReadCounter, RunDocWriter, collectionSizes } from './run-progress';
import { RunCounts, RunWriter, type PartState } from './run-writer';
import { SCAN_PROJECTION } from './source-fields';
import { AreaTally } from './stats';

const CURSOR_BATCH = 1000;

/** What a run loop uses of its runner. */
export interface RunLoopDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  /** The process's case service (its writer alone writes the case index and the stats). */
  cases: CaseService;
  /** Where the case changes a run makes are audited, as the SYSTEM. */
  audit: Pick<AuditWriter, 'append'> | null;
  /** Documents read per second at most, all cursors together. */
  maxDocsPerS: number;
  leases: RunLeases;
  ends: RunEnds;
}

/** The loop stops: cancelled, closed, taken over, or another scan of it failed. */
class Stopped extends Error {}

export class RunLoop {
  private readonly runId: string;
  private readonly area: { province: string; commune: string | null };
  private readonly counter: ReadCounter;
  private readonly runs: Collection<RunDoc>;
  private readonly writer: RunWriter;
  private readonly runDoc: RunDocWriter;
  private phase: RunPhase = 'INDEX';
  /** Set when one of the parallel scans failed: the others stop at their next document. */
  private failed = false;
  /** What each part of the run found: the population, each source, the mis-keyed records at the end. */
  private readonly counts = new RunCounts();

  constructor(
    private readonly deps: RunLoopDeps,
    private readonly doc: RunDoc,
    private readonly a: ActiveRun,
    private readonly resume: boolean,
  ) {
    this.runId = doc._id;
    this.area = doc.area;
    this.counter = new ReadCounter(deps.maxDocsPerS);
    const db = deps.store.hubDb;
    this.runs = db.collection<RunDoc>(RECON_RUNS_COLLECTION);
    this.writer = new RunWriter({
      findings: db.collection<FindingDoc>(RECON_FINDINGS_COLLECTION),
      index: deps.cases.writer,
      run: doc,
      earlier: resume ? doc.writes : undefined,
      now: deps.now,
    });
    this.runDoc = new RunDocWriter(this.runs, this.runId, deps.logger);
  }

  /** Runs the session to its end: DONE, or stopped, interrupted, cancelled or failed (see {@link end}). */
  async execute(): Promise<void> {
    try {
      const sizes = await this.begin();
      const index = await this.indexPopulation();
      const duplicates = new DuplicateTracker();
      const done = await this.restore(index, duplicates, sizes);
      await this.scanSources(index, duplicates, done);
      await this.finish(index, duplicates);
    } catch (err) {
      await this.end(err);
    }
  }

  /** Counts what there is to read, reads the area's known findings, records a resume. */
  private async begin(): Promise<number[]> {
    const sizes = await collectionSizes(this.deps, [SOURCES.population, ...OTHER_SOURCES.map((s) => SOURCES[s])]);
    this.counter.total = sizes.reduce((s, n) => s + n, 0);
    this.writer.setKnown(await this.deps.cases.knownHashes(this.area));
    this.deps.logger.debug(
      { runId: this.runId, ms: this.counter.elapsedMs(), total: this.counter.total },
      'reconciliation run: counted',
    );
    if (this.resume) {
      await this.runs.updateOne({ _id: this.runId }, { $inc: { resumes: 1 }, $set: { updatedAt: this.deps.now() } });
    }
    await this.saveProgress(true);
    return sizes;
  }

  /** 1. The whole population, in memory (its findings are (re)written on every resume: few, idempotent). */
  private async indexPopulation(): Promise<PopulationIndex> {
    const { db, collection } = SOURCES.population;
    const popCol = this.deps.store.db(db).collection<CongDanDoc>(collection);
    const index = new PopulationIndex({ today: this.doc.today });
    const pop = this.counts.part();
    const cursor = popCol.find({}, { batchSize: CURSOR_BATCH, projection: SCAN_PROJECTION.population });
    let read = 0;
    for await (const p of readToEnd(cursor)) {
      read++;
      this.check();
      const person = p as CongDanDoc;
      for (const f of index.add(person)) {
        const w = this.keep(pop, f, index);
        if (w) await w;
      }
      // Its key as the index holds it (an unusable _id, a number included, hashed).
      const personKey = populationRecordKey(person._id);
      const ra = recordArea(index.slotOf(personKey), personKey, index);
      if (withinArea(ra, this.area)) pop.tally.record(ra, 'population');
      await this.counted();
    }
    this.check();
    // Read as empty: it must be there (a missing collection reads as empty too); else the run fails.
    if (read === 0) await assertCollectionExists(this.deps.store.db(db), collection);
    this.deps.logger.debug(
      { runId: this.runId, ms: this.counter.elapsedMs(), people: index.size },
      'reconciliation run: index built',
    );
    return index;
  }

  /**
   * 2a. The sources the checkpoint has as done are restored, not read (when it refers to this
   * index); the checkpoint then names this index.
   */
  private async restore(
    index: PopulationIndex,
    duplicates: DuplicateTracker,
    sizes: number[],
  ): Promise<Partial<Record<OtherSource, SourceCheckpoint>>> {
    this.phase = 'SOURCES';
    const { store, logger, now } = this.deps;
    const cp = this.resume && this.doc.checkpoint && 'done' in this.doc.checkpoint ? this.doc.checkpoint : null;
    const idx = {
      populationSize: index.size,
      firstPersonalId: index.size > 0 ? index.idOf(0) : null,
      lastPersonalId: index.size > 0 ? index.idOf(index.size - 1) : null,
      populationHash: index.fingerprint(),
    };
    const done: Partial<Record<OtherSource, SourceCheckpoint>> = {};
    const fits =
      cp !== null &&
      cp.populationSize === idx.populationSize &&
      cp.firstPersonalId === idx.firstPersonalId &&
      cp.lastPersonalId === idx.lastPersonalId &&
      cp.populationHash === idx.populationHash;
    if (cp && !fits) {
      logger.warn(
        { runId: this.runId },
        'reconciliation run: population changed since the checkpoint; sources re-scanned',
      );
    }
    for (const [i, source] of OTHER_SOURCES.entries()) {
      const saved = fits ? cp.done[source] : undefined;
      if (!saved) continue;
      const [tracker, tally] = await Promise.all([
        loadState<DuplicateTrackerSnapshot>(store, this.runId, `duplicates:${source}`),
        loadState<string>(store, this.runId, `tally:${source}`),
      ]);
      if (!tracker || tally === null) continue; // state not saved: read the source again
      duplicates.restoreSource(tracker);
      const p = this.counts.part();
      p.counts = { ...saved.counts };
      p.written = saved.written;
      p.tally = AreaTally.parse(tally);
      done[source] = saved;
      this.counter.processed += sizes[i + 1];
    }
    await this.runDoc.update({ $set: { phase: this.phase, checkpoint: { done, ...idx }, updatedAt: now() } }, false);
    return done;
  }

  /** 2b. The sources not restored, all at once; the first real failure stops the others. */
  private async scanSources(
    index: PopulationIndex,
    duplicates: DuplicateTracker,
    done: Partial<Record<OtherSource, SourceCheckpoint>>,
  ): Promise<void> {
    const scans = await Promise.allSettled(
      OTHER_SOURCES.filter((s) => !done[s]).map((s) =>
        this.scan(s, index, duplicates, done).catch((err: unknown) => {
          if (!(err instanceof Stopped)) this.failed = true;
          throw err;
        }),
      ),
    );
    const failures = scans
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r): unknown => r.reason);
    // A real failure wins over the Stopped of the scans that were cut short meanwhile.
    if (failures.length) throw failures.find((e) => !(e instanceof Stopped)) ?? failures[0];
  }

  /** One source read to its end; then its findings are written, its state saved, the checkpoint names it. */
  private async scan(
    source: OtherSource,
    index: PopulationIndex,
    duplicates: DuplicateTracker,
    done: Partial<Record<OtherSource, SourceCheckpoint>>,
  ): Promise<void> {
    const { store, logger, now } = this.deps;
    const p = this.counts.part();
    // Each scan has its own context: detectRecord reports the record's person through it.
    const ctx: DetectContext = { today: this.doc.today, duplicates };
    const col = store.db(SOURCES[source].db).collection<Document>(SOURCES[source].collection);
    const cursor = col.find({}, { batchSize: CURSOR_BATCH, projection: SCAN_PROJECTION[source] });
    for await (const d of readToEnd(cursor)) {
      this.check();
      const fs = detectRecord(source, d as unknown as SourceDocs[typeof source], index, ctx);
      const key = sourceRecordKey(d._id);
      const ra = recordArea(ctx.lastSlot ?? -1, key, index);
      if (withinArea(ra, this.area)) {
        p.tally.record(ra, source);
        // A record tied by a near-miss key always ends up DUPLICATE or ORPHAN (at FINISH).
        if (ctx.lastTie === TIE_NEAR_MISS) RunCounts.flag(p, ra, source, key);
      }
      for (const f of fs) {
        const w = this.keep(p, f, index);
        if (w) await w;
      }
      p.read++;
      await this.counted();
    }
    this.check();
    if (p.read === 0) await assertCollectionExists(store.db(SOURCES[source].db), SOURCES[source].collection);
    // Done: its findings durably written, then its state, then the checkpoint names it.
    await this.writer.flush();
    await saveState(store, this.runId, `duplicates:${source}`, duplicates.snapshotSource(source));
    await saveState(store, this.runId, `tally:${source}`, p.tally.serialize());
    done[source] = { counts: p.counts, written: p.written, read: p.read };
    await this.runDoc.update({ $set: { [`checkpoint.done.${source}`]: done[source], updatedAt: now() } }, false);
    logger.debug({ runId: this.runId, ms: this.counter.elapsedMs(), source }, 'reconciliation run: source done');
  }

  /** 3. Mis-keyed records (tallied when read), last writes, the area's figures, the cases; then DONE. */
  private async finish(index: PopulationIndex, duplicates: DuplicateTracker): Promise<void> {
    this.phase = 'FINISH';
    const end = this.counts.part();
    for (const f of duplicates.finish(index)) {
      const w = this.keep(end, f, index, false);
      if (w) await w;
    }
    await this.writer.flush();
    await this.runDoc.settled();
    const at = this.deps.now();
    await this.writer.stats(this.counts.tally().ops(this.area, this.runId, at));
    const changes = await this.updateCases();
    this.check();
    // Still this instance's run (not taken over while it looked dead): then its end is decided,
    // with the figures the DONE write sets (a reader between the two, or after the store lost
    // that write, sees these: never DONE with the last progress write's counts).
    if (!(await this.deps.leases.renew(this.a))) throw new Stopped();
    const figures = this.doneFigures(at, changes);
    if (!(await this.deps.ends.decide(this.runId, 'DONE', figures)).mine) {
      this.a.cancel = true; // cancelled on another instance meanwhile
      throw new Stopped();
    }
    await this.writeDone(figures);
  }

  /** What the DONE write sets besides its status (also kept with the DONE decision). */
  private doneFigures(at: Date, changes: CaseChangeRecord[]): DoneFigures {
    const { counts, written } = this.counts.sum();
    return {
      counts,
      findings: written,
      progress: this.counter.progress(true),
      writes: this.writer.writes(),
      casesCleared: changes.filter((c) => c.event === 'CLEARED').length,
      casesRecurred: changes.filter((c) => c.event === 'RECURRED').length,
      finishedAt: at,
    };
  }

  /** The cases the run no longer found (CLEARED) or found again (RECURRED), each audited (as the SYSTEM) as it is made. */
  private updateCases(): Promise<CaseChangeRecord[]> {
    const { audit, now } = this.deps;
    return this.deps.cases.afterRun(
      { id: this.runId, startedAt: this.doc.createdAt, area: this.area },
      {
        shouldStop: () => this.a.cancel || this.a.stop,
        audit: audit
          ? async (caseChanges) => {
              await audit.append({
                at: now(),
                requestId: `reconciliation-run:${this.runId}`,
                operation: 'reconciliationRun',
                actor: { kind: 'SYSTEM', id: `run:${this.runId}` },
                citizens: [],
                caseChanges,
              });
            }
          : undefined,
      },
    );
  }

  private async writeDone(figures: DoneFigures): Promise<void> {
    this.phase = 'DONE';
    const { store, logger } = this.deps;
    const written = figures.findings;
    await this.runDoc.update({ $set: doneSet(figures) }, false);
    await dropState(store, this.runId).catch((err: unknown) =>
      logger.warn({ err, runId: this.runId }, 'reconciliation run: saved state not removed'),
    );
    logger.info(
      {
        runId: this.runId,
        area: this.area,
        findings: written,
        documents: this.counter.processed,
        seconds: Math.round(this.counter.elapsedMs() / 100) / 10,
      },
      'reconciliation run done',
    );
  }

  /**
   * The session ended before DONE: taken over (the run is the other instance's now), stopped by
   * `close()` or interrupted by the store (left RUNNING with its last checkpoint, to be resumed),
   * or cancelled or failed (that end recorded, unless another instance decided one first).
   */
  private async end(err: unknown): Promise<void> {
    const { store, logger, now } = this.deps;
    const { runId, a } = this;
    // Write what was queued (the counts include it), then record the end.
    await this.writer.settle();
    await this.runDoc.settled();
    if (err instanceof Stopped && a.lost) {
      logger.info({ runId }, 'reconciliation run left to the instance that took it over');
      return;
    }
    if (err instanceof Stopped && !a.cancel) {
      // close(): leave the run RUNNING with its last checkpoint.
      await this.runs.updateOne(
        { _id: runId },
        { $set: { progress: this.counter.progress(), writes: this.writer.writes(), updatedAt: now() } },
      );
      logger.info({ runId }, 'reconciliation run stopped (resumable)');
      return;
    }
    if (isTransientStoreError(err) && !a.cancel) {
      // The store went away: the run stays RUNNING with its last checkpoint and is resumed
      // when the store is back (the hub calls resumeAll then), not failed.
      logger.warn({ runId, err }, 'reconciliation run interrupted by the store; it resumes when the store returns');
      a.interrupted = true;
      return;
    }
    const at = now();
    // The end another instance decided first (a cancellation) stands.
    const end = await this.deps.ends.decide(runId, err instanceof Stopped ? 'CANCELLED' : 'FAILED');
    const { counts, written } = this.counts.sum();
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
          writes: this.writer.writes(),
          progress: { ...this.counter.progress(), etaS: null },
          updatedAt: at,
          finishedAt: at,
        },
      },
    );
    await dropState(store, runId).catch(() => undefined);
    if (end.status === 'FAILED') logger.error({ err, runId }, 'reconciliation run failed');
    else logger.info({ runId, status: end.status }, 'reconciliation run ended');
  }

  // -------------------------------------------------------------------------------------------
  // Bookkeeping

  /**
   * Keeps a finding of the run's area (others are dropped): counted in part `p`, its record
   * tallied (`tallied`), its write queued; resolves at once unless too many writes are in flight.
   */
  private keep(p: PartState, f: Finding, index: PopulationIndex, tallied = true): Promise<void> | null {
    const fa = areaOfFinding(f, index);
    if (!withinArea(fa, this.area)) return null;
    p.counts[f.kind]++;
    p.written++;
    if (tallied) {
      // A population record is tallied under its own area (a DUPLICATE's finding area is the kept record's).
      const ra = f.source === 'population' ? recordArea(index.slotOf(f.recordKey), f.recordKey, index) : fa;
      RunCounts.flag(p, ra, f.source, f.recordKey);
    }
    return this.writer.add(f, fa);
  }

  /** One more document read: progress (at most once a second) and pace. */
  private async counted(): Promise<void> {
    if (this.counter.tick()) void this.saveProgress();
    await this.counter.pace();
  }

  /** Stops the loop at the next document when cancelled, closed, taken over, or another scan failed. */
  private check(): void {
    if (this.a.cancel || this.a.stop || this.failed) throw new Stopped();
  }

  /** Writes the progress and counts so far (at most once a second unless forced); notices a cancellation from elsewhere. */
  private saveProgress(force = false): Promise<unknown> {
    if (!this.runDoc.progressDue(force)) return this.runDoc.settled();
    // A cancellation decided on another instance: stop at the next document.
    void this.deps.ends.get(this.runId).then(
      (end) => {
        if (end) this.a.cancel = true;
      },
      () => undefined,
    );
    const { counts, written } = this.counts.sum();
    const set = {
      phase: this.phase,
      progress: this.counter.progress(),
      counts,
      findings: written,
      writes: this.writer.writes(),
      updatedAt: this.deps.now(),
    };
    return this.runDoc.update({ $set: set }, true);
  }
}
