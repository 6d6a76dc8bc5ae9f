/**
 * Reconciliation cases: what data-cleaning staff do with findings.
 *
 * Every finding a run writes (`reconFindings`, one document per defect, see run-writer.ts) is a case,
 * `OPEN` until someone acts on it. Officers confirm, resolve, dismiss (with a reason), reopen,
 * assign and note; the runs record `CLEARED` and `RECURRED` as `run:<id>` (the state machine:
 * case-actions.ts). Reading cases: case-queries.ts, which this service extends.
 *
 * Storage (hub database):
 * - `reconCases`, `_id` = the finding key: the case's own state (status, assignee, notes,
 *   history, `seq`), written only by {@link CaseService.act}; absent until the first action.
 * - `reconCaseEvents`, `_id` = `<finding key>#<seq>`: one per action, holding the case as the
 *   action left it. Inserting it is the compare-and-set (a unique `_id`, on MongoDB and on
 *   FerretDB, across hub instances); the case document follows, and a commit cut short is
 *   rolled forward by the next action on the case. Within a process, actions on one case are
 *   serialised.
 * - `reconCaseIndex`, `_id` = `<province>|<commune>`: per area, one small entry per case, its
 *   copy of the case's status and assignee (case-index.ts).
 */
import type { Collection } from 'mongodb';
import type { CaseChangeRecord } from '../audit/model';
import { KeyedMutex, isDuplicateKey, lastEventAfter, mapLimit, replaceOrInsert } from '../../store/concurrency';
import { changesNothing, inputError, nextState, noteOf, transitionError } from './case-actions';
import { entryPath, indexDocArea, indexIdsOf } from './case-index';
import { CaseQueries, INDEX_READS, type CaseServiceOptions } from './case-queries';
import {
  OPEN_STATUSES,
  RECON_CASE_EVENTS_COLLECTION,
  areaId,
  type CaseAction,
  type CaseDoc,
  type CaseEventDoc,
  type CaseResult,
  type CaseUserError,
  type CaseView,
  type FindingAreaDoc,
} from './model';

/** Case changes per audit record of a run. */
export const AFTER_RUN_AUDIT_CHUNK = 500;

const refused = (view: CaseView | null, userError: CaseUserError): CaseResult => ({
  case: view,
  userError,
  change: null,
});

export class CaseService extends CaseQueries {
  private readonly mutex = new KeyedMutex();
  private readonly events: Collection<CaseEventDoc>;

  constructor(opts: CaseServiceOptions) {
    super(opts);
    this.events = opts.store.hubDb.collection<CaseEventDoc>(RECON_CASE_EVENTS_COLLECTION);
  }

  /**
   * Applies one action to a case, as `by` (`officer:<id>` or `run:<id>`). A refusal is a
   * `userError` (the case unchanged); an assignment or note that changes nothing commits nothing.
   * `mayAct` (an officer's jurisdiction) is decided under the case's lock, on the finding read in
   * the same attempt as the status, and the committed event records that area (`state.area`):
   * an area moved by a run before that read is refused (`outOfArea`), never acted on.
   */
  async act(
    id: string,
    action: CaseAction,
    by: string,
    mayAct: (area: FindingAreaDoc) => boolean = () => true,
  ): Promise<CaseResult> {
    return this.mutex.run(id, () => this.actLocked(id, action, by, mayAct));
  }

  private async actLocked(
    id: string,
    action: CaseAction,
    by: string,
    mayAct: (area: FindingAreaDoc) => boolean,
  ): Promise<CaseResult> {
    const note = noteOf(action);
    const invalid = inputError(action, note);
    if (invalid) return refused(null, invalid);
    for (let attempt = 0; attempt < 3; attempt++) {
      const finding = await this.findings.findOne({ _id: id });
      if (!finding) return { case: null, userError: null, change: null };
      if (!mayAct(finding.area)) return { case: null, userError: null, change: null, outOfArea: true };
      const current = await this.rollForward(id, await this.cases.findOne({ _id: id }));
      const view = this.view(finding, current);
      const refusal = transitionError(view, action, note);
      if (refusal) return refused(view, refusal);
      if (changesNothing(view, action, note)) return { case: view, userError: null, change: null };
      const seq = (current?.seq ?? 0) + 1;
      const { next, change } = nextState(finding, view, { seq, at: this.now(), by }, action, note);
      try {
        await this.events.insertOne({ _id: `${id}#${seq}`, caseId: id, seq, at: next.updatedAt, state: next });
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        continue; // another writer took this step: roll forward and try again
      }
      await replaceOrInsert(this.cases, next);
      await this.writeIndex(next);
      // A writer of another instance that stalled between its two steps may have written an older
      // state over this one: repair (the events are the authority).
      if (await this.events.findOne({ _id: `${id}#${seq + 1}` })) await this.rollForward(id, next);
      return { case: this.view(finding, next), userError: null, change };
    }
    return refused(null, { code: 'CONCURRENT_CHANGE', message: 'The case was changed at the same time; retry' });
  }

  /** The case's status and assignee in its index entry (the case document is the authority). */
  private async writeIndex(c: CaseDoc): Promise<void> {
    const path = entryPath(c._id);
    const set: Record<string, unknown> = { [`${path}.k`]: `${c.source}|${c.kind}` };
    const unset: string[] = [];
    if (c.status === 'OPEN') unset.push(`${path}.s`);
    else set[`${path}.s`] = c.status;
    if (c.assignee) set[`${path}.a`] = c.assignee;
    else unset.push(`${path}.a`);
    try {
      await this.writer.apply([{ target: 'index', id: areaId(c.area), set, unset, setOnInsert: indexDocArea(c.area) }]);
    } catch (err) {
      // The change stands (its event and case document are written); the next action repairs the entry.
      this.logger.error({ err, caseId: c._id }, 'reconciliation case index not updated');
    }
  }

  /** Read-repair: the case as its latest committed action left it. */
  private async rollForward(id: string, doc: CaseDoc | null): Promise<CaseDoc | null> {
    const latest = await lastEventAfter(this.events, id, doc?.seq ?? 0);
    if (!latest) return doc;
    await replaceOrInsert(this.cases, latest.state);
    await this.writeIndex(latest.state);
    this.logger.warn(
      { caseId: id, seq: latest.seq },
      'reconciliation case rolled forward to its last committed action',
    );
    return latest.state;
  }

  /**
   * After a run over `area` (started at `startedAt`) has written its findings and their index
   * entries: cases it no longer found are CLEARED; cases resolved before it started that it found
   * again RECURRED; entries whose finding now lives under another area (the person moved) are
   * removed. The changes are handed to `audit` index document by index document, as they are
   * made (at most {@link AFTER_RUN_AUDIT_CHUNK} per call); returns them all.
   */
  async afterRun(
    run: { id: string; startedAt: Date; area: { province: string; commune: string | null } },
    opts: { shouldStop?: () => boolean; audit?: (changes: CaseChangeRecord[]) => Promise<void> } = {},
  ): Promise<CaseChangeRecord[]> {
    const shouldStop = opts.shouldStop ?? (() => false);
    const todo = await this.afterRunActions(run, shouldStop);
    const all: CaseChangeRecord[] = [];
    for (const [docId, list] of todo) {
      if (shouldStop()) break;
      const changes: CaseChangeRecord[] = [];
      for (const [key, action] of list) {
        if (action.type === 'CLEARED') {
          // Not seen here because the person moved: the case lives on under the new area.
          const finding = await this.findings.findOne({ _id: key });
          if (finding && areaId(finding.area) !== docId) {
            await this.dropEntry(docId, key);
            continue;
          }
        }
        const r = await this.act(key, action, `run:${run.id}`);
        if (r.change) changes.push(r.change);
      }
      for (let i = 0; i < changes.length; i += AFTER_RUN_AUDIT_CHUNK) {
        await opts.audit?.(changes.slice(i, i + AFTER_RUN_AUDIT_CHUNK));
      }
      all.push(...changes);
    }
    return all;
  }

  /** Per index document of the run's area, the cases to clear or to reopen as recurred. */
  private async afterRunActions(
    run: { startedAt: Date; area: { province: string; commune: string | null } },
    shouldStop: () => boolean,
  ): Promise<Map<string, Array<[string, CaseAction]>>> {
    const t = run.startedAt.getTime();
    const todo = new Map<string, Array<[string, CaseAction]>>();
    // A national run covers some 3,400 index documents: read them a few at a time.
    await mapLimit(indexIdsOf(run.area), INDEX_READS, async (docId) => {
      if (shouldStop()) return;
      const list: Array<[string, CaseAction]> = [];
      for (const [key, e] of await this.entriesOf(docId)) {
        // A citizen's correction request is no run's finding: runs neither clear nor bring it back.
        if (e.k.endsWith('|CORRECTION_REQUEST')) continue;
        const status = e.s ?? 'OPEN';
        if (e.r < t && OPEN_STATUSES.includes(status)) {
          list.push([key, { type: 'CLEARED', runStartedAt: run.startedAt }]);
        } else if (e.r >= t && status === 'RESOLVED') {
          list.push([key, { type: 'RECURRED', runStartedAt: run.startedAt }]);
        }
      }
      if (list.length) todo.set(docId, list);
    });
    return todo;
  }
}
