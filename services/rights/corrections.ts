/**
 * A correction request in the data-cleaning queue: a reconciliation case of kind
 * CORRECTION_REQUEST in the citizen's area (services/reconciliation/cases.ts), so the area's
 * data-cleaning officers and supervisors see it among their cases, with the request's deadline
 * (`ReconciliationCase.dueAt`). Its finding is written here, never by a run; runs neither clear
 * it nor bring it back.
 */
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import type { CaseChangeRecord } from '../audit/model';
import type { CaseService } from '../reconciliation/cases';
import { entryPath, indexDocArea } from '../reconciliation/case-index';
import { ageOp, dueOp } from '../reconciliation/case-order';
import { RECON_FINDINGS_COLLECTION, areaId, type FindingDoc } from '../reconciliation/model';
import { actDeadline, type DataRequestDoc } from './model';

/** A correction request's finding: the case's subject, source, field and the request it comes from. */
export type CorrectionFinding = FindingDoc & { dataRequestId: string };

/** The request a case comes from, for a CORRECTION_REQUEST case (else undefined). */
export function dataRequestIdOf(finding: FindingDoc): string | undefined {
  return finding.kind === 'CORRECTION_REQUEST' ? (finding as CorrectionFinding).dataRequestId : undefined;
}

/**
 * Writes the case of a correction request (its finding and its entry in the area's case index)
 * and adds the citizen's note to it. Returns the case change for the request's audit record.
 */
export async function fileCorrectionCase(
  store: Store,
  cases: CaseService,
  request: DataRequestDoc,
  now: Date,
): Promise<CaseChangeRecord | null> {
  const id = request.caseId!;
  const area = { province: request.area?.province ?? null, commune: request.area?.commune ?? null };
  const finding: CorrectionFinding = {
    _id: id,
    source: request.source!,
    recordKey: request.citizenId,
    personalId: request.citizenId,
    kind: 'CORRECTION_REQUEST',
    field: request.field,
    area,
    firstSeenRunId: `request:${request._id}`,
    firstSeenAt: now,
    lastSeenRunId: `request:${request._id}`,
    lastSeenAt: now,
    dataRequestId: request._id,
  };
  try {
    await store.hubDb.collection<CorrectionFinding>(RECON_FINDINGS_COLLECTION).insertOne(finding);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
  const path = entryPath(id);
  const docId = areaId(area);
  await cases.writer.apply([
    {
      target: 'index',
      id: docId,
      set: { [`${path}.k`]: `${finding.source}|CORRECTION_REQUEST` },
      max: { [`${path}.r`]: now.getTime() },
      min: { [`${path}.f`]: now.getTime() },
      setOnInsert: indexDocArea(area),
    },
    // Its age and its legal deadline in the order directory (the queue's orders by age and by deadline).
    ageOp(docId, now.getTime()),
    dueOp(docId, id, actDeadline(request).getTime()),
  ]);
  const r = await cases.act(id, { type: 'NOTE', note: request.note ?? '' }, `citizen:${request.citizenId}`);
  return r.change;
}

/** A correction request's deadline moved (its one extension): the queue's order by deadline follows. */
export async function correctionDueChanged(cases: CaseService, request: DataRequestDoc): Promise<void> {
  if (!request.caseId) return;
  const area = { province: request.area?.province ?? null, commune: request.area?.commune ?? null };
  await cases.writer.apply([dueOp(areaId(area), request.caseId, actDeadline(request).getTime())]);
}
