/**
 * The officers' side of the data subjects' requests (docs/rights.md): a request is handled by the
 * officers of its area (its citizen's residence when filed) whose role handles its kind
 * (model.ts `HANDLERS`); a national supervisor (VN) handles every area and the requests of no
 * known area. Unknown requests and those elsewhere answer alike (OUT_OF_JURISDICTION).
 */
import { PROVINCES } from '../../reference/areas';
import type { Principal } from '../access/auth/principal';
import { changeRestriction } from '../access/restrictions';
import { areaInfo, type AreaInfo } from '../accounts/reports/read';
import { reconAreaAllowed } from '../reconciliation/areas';
import { correctionDueChanged } from './corrections';
import { extendedDeadline } from './deadlines';
import {
  HANDLERS,
  MAX_TEXT,
  REQUEST_MOVES,
  isOpen,
  kindsHandledBy,
  overdue,
  userError,
  type DataRequestDoc,
  type DataRequestKind,
  type DataRequestStatus,
  type OfficerAction,
  type RequestResult,
} from './model';
import type { RightsService } from './service';
import { provinceList } from './store';

export type OfficerPrincipal = Extract<Principal, { kind: 'OFFICER' }>;

/** Whether the officer handles this request: its area within the jurisdiction, its kind within the role. */
export function mayHandle(officer: OfficerPrincipal, r: DataRequestDoc): boolean {
  const area = { province: r.area?.province ?? null, commune: r.area?.commune ?? null };
  return reconAreaAllowed(officer.jurisdiction, area) && HANDLERS[r.kind].includes(officer.role);
}

const OUT = 'OUT_OF_JURISDICTION' as const;

/**
 * An officer's action on a request. Refusals are `userErrors`, with the request as it stands; an
 * unknown request, one outside the jurisdiction or of a kind the role does not handle is
 * OUT_OF_JURISDICTION (so officers cannot probe).
 */
export async function officerAct(
  svc: RightsService,
  officer: OfficerPrincipal,
  id: string,
  action: OfficerAction,
  text?: string | null,
): Promise<RequestResult | typeof OUT> {
  const found = await svc.get(id);
  if (!found || !mayHandle(officer, found)) return OUT;
  const shown = (r: DataRequestDoc, e: RequestResult): RequestResult => ({
    request: r,
    userErrors: e.userErrors ?? [],
  });
  const note = text?.trim() ?? '';
  if (note.length > MAX_TEXT) return shown(found, userError('INVALID_INPUT', `At most ${MAX_TEXT} characters`, 'note'));
  if ((action === 'EXTEND' || action === 'REFUSE') && !note)
    return shown(found, userError('REASON_REQUIRED', 'Give the reason', 'reason'));
  if (action === 'COMPLETE' && found.kind === 'CORRECTION' && found.caseId) {
    const c = await svc.deps.cases.get(found.caseId);
    if (c?.status !== 'RESOLVED') {
      const e = userError('CASE_NOT_RESOLVED', 'Resolve the correction case first (or refuse the request)', 'id');
      return shown(found, e);
    }
  }
  const at = svc.now();
  const by = `officer:${officer.officerId}`;
  const r = await svc.requests.change<RequestResult>(id, (cur) => {
    const move = REQUEST_MOVES[action];
    if (!move.from.includes(cur.status))
      return {
        refuse: shown(cur, userError('ILLEGAL_TRANSITION', `A ${cur.status} request cannot take ${action}`, 'id')),
      };
    const next: DataRequestDoc = { ...cur, seq: cur.seq + 1, updatedAt: at };
    switch (action) {
      case 'ACKNOWLEDGE':
        next.acknowledgedAt = at;
        break;
      case 'START':
        next.startedAt = at;
        break;
      case 'EXTEND':
        if (cur.extendedAt)
          return {
            refuse: shown(cur, userError('EXTENSION_ALREADY_USED', 'The deadline was extended once already', 'id')),
          };
        if (at.getTime() > cur.actDueAt.getTime())
          return { refuse: shown(cur, userError('DEADLINE_PASSED', 'The deadline to act has passed', 'id')) };
        next.extendedAt = at;
        next.extensionReason = note;
        next.extendedDueAt = extendedDeadline(cur.actDueAt, svc.deps.calendar, svc.deps.dayCount);
        break;
      case 'COMPLETE':
        next.closedAt = at;
        if (note) next.resolution = note;
        break;
      case 'REFUSE':
        next.closedAt = at;
        next.refusalReason = note;
        break;
    }
    const to = move.to ?? cur.status;
    next.status = to;
    next.history = [...cur.history, { at, by, event: action, from: cur.status, to, ...(note ? { note } : {}) }];
    return { next };
  });
  if (!r) return OUT;
  if ('conflict' in r)
    return shown(found, userError('CONCURRENT_CHANGE', 'The request was changed at the same time; retry'));
  if ('refuse' in r) return r.refuse;
  if (action === 'REFUSE') await liftRefused(svc, r.next, by, at);
  if (action === 'EXTEND') await correctionDueChanged(svc.deps.cases, r.next);
  return { request: r.next };
}

/** A refused objection or restriction no longer holds: the restriction it placed is lifted. */
async function liftRefused(svc: RightsService, r: DataRequestDoc, by: string, at: Date): Promise<void> {
  if (!(await svc.restrictionInForce(r)) || !r.clientId) return;
  await changeRestriction(svc.deps.store, {
    citizenId: r.citizenId,
    clientId: r.clientId,
    state: 'LIFTED',
    requestId: r._id,
    by,
    at,
  });
  svc.deps.caches.restrictions.invalidate(r.citizenId, r.clientId);
}

/** One request for an officer (null: unknown, elsewhere, or not the role's). */
export async function visibleRequest(
  svc: RightsService,
  officer: OfficerPrincipal,
  id: string,
): Promise<DataRequestDoc | null> {
  const r = await svc.get(id);
  return r && mayHandle(officer, r) ? r : null;
}

export interface AreaFilter {
  kind?: DataRequestKind | null;
  statuses?: readonly DataRequestStatus[] | null;
  overdueOnly?: boolean | null;
}

/** The province lists an area reads: its province's, or (VN) every province's and the one of no known area. */
function listsOf(area: AreaInfo): string[] {
  if (area.kind === 'NATIONAL') return [...PROVINCES.map((p) => provinceList(p.code)).sort(), provinceList(null)];
  return [provinceList(area.province)];
}

export function encodeAreaCursor(list: number, slot: number): string {
  return Buffer.from(`a1:${list}:${slot}`, 'utf8').toString('base64url');
}

function decodeAreaCursor(cursor: string): { list: number; slot: number } | null {
  const m = /^a1:(\d{1,4}):(\d{1,12})$/.exec(Buffer.from(cursor.slice(0, 64), 'base64url').toString('utf8'));
  return m ? { list: Number(m[1]), slot: Number(m[2]) } : null;
}

export class RequestCursorError extends Error {}

/** A page of an area's requests the officer handles, newest first within each province's list. */
export async function areaRequests(
  svc: RightsService,
  officer: OfficerPrincipal,
  area: AreaInfo,
  filter: AreaFilter,
  opts: { first: number; after?: string | null },
): Promise<{ nodes: DataRequestDoc[]; endCursor: string | null; hasNextPage: boolean }> {
  const lists = listsOf(area);
  const cursor = opts.after ? decodeAreaCursor(opts.after) : null;
  if (opts.after && (!cursor || cursor.list >= lists.length)) throw new RequestCursorError('Invalid cursor');
  const kinds = kindsHandledBy(officer.role).filter((k) => !filter.kind || k === filter.kind);
  const now = svc.now();
  const nodes: Array<{ list: number; slot: number; request: DataRequestDoc }> = [];
  let hasNextPage = false;
  for (let i = cursor?.list ?? 0; i < lists.length && !hasNextPage; i++) {
    const page = await svc.requests.page(lists[i], {
      first: opts.first - nodes.length,
      before: cursor && i === cursor.list ? cursor.slot : undefined,
      keepSlot: (s) => (area.kind !== 'COMMUNE' || s.commune === area.code) && (!s.kind || kinds.includes(s.kind)),
      keep: (r) => {
        if (!mayHandle(officer, r) || !kinds.includes(r.kind)) return false;
        if (filter.statuses?.length && !filter.statuses.includes(r.status)) return false;
        if (!filter.overdueOnly) return true;
        const o = overdue(r, now);
        return o.acknowledgement || o.action;
      },
    });
    nodes.push(...page.requests.map((x) => ({ list: i, ...x })));
    hasNextPage = page.hasMore || (nodes.length === opts.first && i < lists.length - 1);
  }
  const last = nodes[nodes.length - 1];
  return {
    nodes: nodes.map((n) => n.request),
    endCursor: last ? encodeAreaCursor(last.list, last.slot) : null,
    hasNextPage,
  };
}

export interface AreaCounts {
  area: AreaInfo;
  open: number;
  acknowledgementOverdue: number;
  actionOverdue: number;
  overdue: number;
}

export interface RequestReport {
  asOf: Date;
  total: AreaCounts;
  communes: AreaCounts[];
}

const zero = (area: AreaInfo): AreaCounts => ({
  area,
  open: 0,
  acknowledgementOverdue: 0,
  actionOverdue: 0,
  overdue: 0,
});

/**
 * Open and overdue requests of a province or commune at `now`: reads every request listed for the
 * province (a report costs one read per request ever filed there; docs/rights.md).
 */
export async function requestReport(svc: RightsService, area: AreaInfo): Promise<RequestReport> {
  const now = svc.now();
  const { requests } = await svc.requests.page(provinceList(area.province), {
    first: Infinity,
    keepSlot: (s) => area.kind !== 'COMMUNE' || s.commune === area.code,
  });
  const total = zero(area);
  const communes = new Map<string, AreaCounts>();
  for (const { request: r } of requests) {
    if (!isOpen(r)) continue;
    const o = overdue(r, now);
    const code = r.area?.commune ?? null;
    const c = code
      ? (communes.get(code) ?? zero(areaInfo(code) ?? { code, name: code, kind: 'COMMUNE', province: area.province }))
      : null;
    if (c && code) communes.set(code, c);
    for (const x of c ? [total, c] : [total]) {
      x.open++;
      if (o.acknowledgement) x.acknowledgementOverdue++;
      if (o.action) x.actionOverdue++;
      if (o.acknowledgement || o.action) x.overdue++;
    }
  }
  return {
    asOf: now,
    total,
    communes:
      area.kind === 'PROVINCE' ? [...communes.values()].sort((a, b) => a.area.code.localeCompare(b.area.code)) : [],
  };
}
