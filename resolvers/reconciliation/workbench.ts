/**
 * What the officers' workbench asks of reconciliation beyond one case: an area's past runs, its
 * cleanliness over time, and closing many FORMAT_ONLY cases at once (each through the same state
 * machine, jurisdiction check and audit as a single action: `act`).
 */
import type { ReconciliationCaseError, Resolvers } from '../../generated/graphql';
import type { CaseView } from '../../services/reconciliation/model';
import type { HubContext } from '../../services/context';
import { badUserInput } from '../../lib/errors';
import { areaOfInfo } from '../../services/accounts/reports/read';
import { HistoryInputError, cleanlinessHistory, runsOf } from '../../services/reconciliation/history';
import { DATA_SOURCE } from '../../connectors/provenance';
import { CASE_NOT_FOUND, act, areaFor, checkFirst, mayUse, userErrorOf } from './index';

interface BulkResult {
  id: string;
  case: CaseView | null;
  userErrors: ReconciliationCaseError[];
}
type CaseError = ReconciliationCaseError;

const refusal = (code: CaseError['code'], message: string): CaseError => ({
  code,
  message,
  status: null,
  allowed: null,
});

/** Cases closed at once in a bulk action (each one still takes its own lock and audit). */
const BULK_PARALLEL = 4;

/** One FORMAT_ONLY case closed as `how` says; every refusal is this case's own userError. */
async function closeOne(ctx: HubContext, id: string, how: 'RESOLVE' | 'DISMISS', note: string): Promise<BulkResult> {
  const c = await ctx.reconciliation.cases.get(id);
  if (!c || !mayUse(ctx, c.finding.area)) {
    return { id, case: null, userErrors: [refusal('NOT_FOUND', CASE_NOT_FOUND)] };
  }
  if (c.finding.kind !== 'FORMAT_ONLY') {
    return {
      id,
      case: c,
      userErrors: [refusal('NOT_FORMAT_ONLY', `This case is ${c.finding.kind}, not FORMAT_ONLY: close it on its own`)],
    };
  }
  try {
    if (how === 'DISMISS') {
      const r = await act(ctx, id, { type: 'DISMISS', note });
      return { id, case: r.case, userErrors: r.userErrors };
    }
    if (c.status === 'OPEN') {
      const confirmed = await act(ctx, id, { type: 'CONFIRM', note: null });
      if (confirmed.userErrors.length) return { id, case: confirmed.case, userErrors: confirmed.userErrors };
    }
    const r = await act(ctx, id, { type: 'RESOLVE', note });
    return { id, case: r.case, userErrors: r.userErrors };
  } catch (err) {
    // Moved out of the jurisdiction meanwhile (act answers NOT_FOUND): this case only.
    if (err instanceof Error && err.message === CASE_NOT_FOUND) {
      return { id, case: null, userErrors: [refusal('NOT_FOUND', CASE_NOT_FOUND)] };
    }
    throw err;
  }
}

export const reconciliationWorkbenchResolvers: Resolvers = {
  Query: {
    reconciliationRuns: async (_, { area: code, first, after }, ctx) => {
      const area = areaFor(ctx, code);
      try {
        const page = await runsOf(ctx.store, areaOfInfo(area), { first: checkFirst(first ?? 20), after });
        // A run still RUNNING in the store may have ended on another instance: ask the service.
        const nodes = await Promise.all(
          page.nodes.map(async (r) => (r.status === 'RUNNING' ? ((await ctx.reconciliation.get(r._id)) ?? r) : r)),
        );
        return {
          nodes,
          pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
          totalCount: page.totalCount,
        };
      } catch (err) {
        if (err instanceof HistoryInputError) throw badUserInput(err.message);
        throw err;
      }
    },
    reconciliationCleanliness: async (_, { area: code, since, last }, ctx) => {
      const area = areaFor(ctx, code);
      const n = last ?? 60;
      if (!Number.isInteger(n) || n < 1 || n > 366) throw badUserInput('last must be between 1 and 366');
      const points = await cleanlinessHistory(ctx.store, area.code, { since: since ?? null, last: n });
      return points.map((p) => ({
        at: p.at,
        runId: p.runId,
        sources: p.sources.map((x) => ({
          source: DATA_SOURCE[x.source],
          records: x.records,
          recordsWithFindings: x.withFindings,
          cleanShare: x.cleanShare,
          openCases: [],
        })),
      }));
    },
  },
  Mutation: {
    reconciliationCasesCloseFormatOnly: async (_, { ids, how, note }, ctx) => {
      if (ids.length > 100) throw badUserInput('At most 100 cases at once');
      if (!note.trim()) {
        const e = userErrorOf({ code: 'NOTE_REQUIRED', message: 'Say why these cases are closed' });
        return { results: ids.map((id) => ({ id, case: null, userErrors: [e] })), closed: 0, refused: ids.length };
      }
      const unique = [...new Set(ids)];
      const done = new Map<string, BulkResult>();
      for (let i = 0; i < unique.length; i += BULK_PARALLEL) {
        const part = unique.slice(i, i + BULK_PARALLEL);
        const rs = await Promise.all(part.map((id) => closeOne(ctx, id, how ?? 'RESOLVE', note)));
        rs.forEach((r) => done.set(r.id, r));
      }
      const results = ids.map((id) => done.get(id)!);
      const closed = [...done.values()].filter((r) => r.userErrors.length === 0).length;
      return { results, closed, refused: done.size - closed };
    },
  },
};
