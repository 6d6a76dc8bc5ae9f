import { DATA_SOURCE } from '../../connectors/provenance';
import type { ReconciliationCaseError, Resolvers, ResolversTypes } from '../../generated/graphql';
import type { HubContext } from '../../services/context';
import { badUserInput, echoShort, notFound } from '../../lib/errors';
import { forbidden } from '../../services/access/policy';
import { reconArea, reconAreaAllowed } from '../../services/reconciliation/areas';
import { CaseInputError } from '../../services/reconciliation/case-queries';
import type {
  CaseAction,
  CaseFilter,
  CaseOrder,
  CaseResult,
  CaseUserError,
  CaseView,
  RunDoc,
} from '../../services/reconciliation/model';
import { IDENTITY_FIELD_NAME, caseComparison } from '../../services/reconciliation/case-values';
import { areaStats } from '../../services/reconciliation/stats';
import { areaInfo, areaOfInfo, type AreaInfo } from '../../services/accounts/reports/read';
import type { SourceName } from '../../connectors/sources';

export function officerOf(ctx: HubContext) {
  if (ctx.principal.kind !== 'OFFICER') throw new Error('@officer policy not applied');
  return ctx.principal;
}

/**
 * Whether an area (a run's, a case's) lies within the officer's jurisdiction: a national
 * supervisor's (VN) holds every area, also none (records with no known area).
 */
export function mayUse(ctx: HubContext, area: { province: string | null; commune: string | null }): boolean {
  return reconAreaAllowed(officerOf(ctx).jurisdiction, area);
}

/**
 * A run the officer may see. Unknown and elsewhere answer alike, NOT_FOUND: an officer learns
 * nothing of runs outside their jurisdiction (docs/reconciliation.md, "Refusals").
 */
async function visibleRun(ctx: HubContext, id: string): Promise<RunDoc> {
  const run = await ctx.reconciliation.get(id);
  if (!run || !mayUse(ctx, run.area)) throw notFound('No reconciliation run with this id in your jurisdiction');
  return run;
}

/** An area code the officer names: known (BAD_USER_INPUT) and within the jurisdiction (FORBIDDEN). */
export function areaFor(ctx: HubContext, code: string): AreaInfo {
  const area = reconArea(code);
  if (!area)
    throw badUserInput(`Unknown area code${echoShort(code)} (a 2-digit province or 5-digit commune code, or VN)`);
  if (!mayUse(ctx, areaOfInfo(area))) throw forbidden('OUT_OF_JURISDICTION');
  return area;
}

export const SOURCE_OF: Record<string, SourceName> = Object.fromEntries(
  Object.entries(DATA_SOURCE).map(([name, value]) => [value, name as SourceName]),
);
const FIELD_ENUM = IDENTITY_FIELD_NAME;

/** A case the officer may act on or read; unknown and elsewhere answer alike (NOT_FOUND). */
async function visibleCase(ctx: HubContext, id: string): Promise<CaseView> {
  const c = await ctx.reconciliation.cases.get(id);
  if (!c || !mayUse(ctx, c.finding.area)) throw notFound(CASE_NOT_FOUND);
  return c;
}

export const CASE_NOT_FOUND = 'No reconciliation case with this id in your jurisdiction';

export async function act(ctx: HubContext, id: string, action: CaseAction): Promise<CasePayload> {
  const current = await visibleCase(ctx, id);
  const me = officerOf(ctx);
  // Data-cleaning officers take cases for themselves or release their own (checked under the
  // case's lock, against its current assignee); supervisors assign anyone.
  if (action.type === 'ASSIGN' && me.role === 'DATA_CLEANING') action = { ...action, onlySelf: me.officerId };
  // The jurisdiction is decided again under the case's lock, on the area the action is written
  // against (a run may have moved the case meanwhile): the check above only answers early.
  const r = await ctx.reconciliation.cases.act(id, action, `officer:${me.officerId}`, (area) => mayUse(ctx, area));
  if (r.outOfArea) throw notFound(CASE_NOT_FOUND);
  if (r.change) (ctx.audit.caseChanges ??= []).push(r.change);
  return payload(r.case ? r : { ...r, case: current });
}

/** What a case mutation answers (ReconciliationCasePayload). */
export interface CasePayload {
  case: CaseView | null;
  userErrors: ReconciliationCaseError[];
}

export function payload(r: CaseResult): CasePayload {
  return {
    // Each case shown is audited by its `@personal` type (services/audit/coverage.ts).
    case: r.case,
    userErrors: r.userError ? [userErrorOf(r.userError)] : [],
  };
}

export function userErrorOf(e: CaseUserError): ReconciliationCaseError {
  return { code: e.code, message: e.message, status: e.status ?? null, allowed: e.allowed ?? null };
}

export function checkFirst(first: number | null | undefined): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw badUserInput('first must be between 1 and 100');
  return n;
}

/** A page of an area's cases (each case shown is audited by its `@personal` type). */
async function casesPage(
  ctx: HubContext,
  area: AreaInfo,
  filter: CaseFilter,
  args: { first?: number | null; after?: string | null; order?: CaseOrder | null },
): Promise<ResolversTypes['ReconciliationCaseConnection']> {
  const first = checkFirst(args.first);
  let page;
  try {
    page = await ctx.reconciliation.cases.page(area, filter, { first, after: args.after, order: args.order ?? 'AREA' });
  } catch (err) {
    if (err instanceof CaseInputError) throw badUserInput(err.message);
    throw err;
  }
  return {
    nodes: page.nodes.filter((c) => mayUse(ctx, c.finding.area)),
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    totalCount: (() => page.totalCount()) as never,
  };
}

export const reconciliationResolvers: Resolvers = {
  Query: {
    reconciliationRun: async (_, { id }, ctx) => visibleRun(ctx, id),
    reconciliationCases: async (_, args, ctx) =>
      casesPage(
        ctx,
        areaFor(ctx, args.area),
        {
          source: args.source ? SOURCE_OF[args.source] : null,
          kind: args.kind ?? null,
          statuses: args.status ?? null,
          assignee: args.assignee ?? null,
          firstSeenBy: args.firstSeenBefore ? args.firstSeenBefore.getTime() : null,
        },
        args,
      ),
    reconciliationCase: async (_, { id }, ctx) => visibleCase(ctx, id),
    reconciliationSummary: async (_, { area: code }, ctx) => {
      const area = areaFor(ctx, code);
      const a = areaOfInfo(area);
      const [stats, counts] = await Promise.all([areaStats(ctx.store, a), ctx.reconciliation.cases.counts(a)]);
      return { area, stats, counts };
    },
  },
  Mutation: {
    reconciliationRunStart: async (_, { area: code }, ctx) => {
      const area = areaFor(ctx, code);
      return ctx.reconciliation.start(areaOfInfo(area), `officer:${officerOf(ctx).officerId}`);
    },
    reconciliationRunCancel: async (_, { id }, ctx) => {
      await visibleRun(ctx, id);
      return ctx.reconciliation.cancel(id);
    },
    reconciliationCaseConfirm: (_, { id, note }, ctx) => act(ctx, id, { type: 'CONFIRM', note }),
    reconciliationCaseResolve: (_, { id, note }, ctx) => act(ctx, id, { type: 'RESOLVE', note }),
    reconciliationCaseDismiss: (_, { id, reason }, ctx) => act(ctx, id, { type: 'DISMISS', note: reason }),
    reconciliationCaseReopen: (_, { id, note }, ctx) => act(ctx, id, { type: 'REOPEN', note }),
    reconciliationCaseAssign: (_, { id, assignee, note }, ctx) =>
      act(ctx, id, { type: 'ASSIGN', assignee: assignee ?? null, note }),
    reconciliationCaseNote: (_, { id, text }, ctx) => act(ctx, id, { type: 'NOTE', note: text }),
  },
  ReconciliationRun: {
    id: (r) => r._id,
    area: (r) => reconArea(r.area.commune ?? r.area.province)!,
    referenceDate: (r) => r.today,
    writes: (r) => r.writes ?? null,
    cases: async (r, args, ctx) => {
      if (!mayUse(ctx, r.area)) throw forbidden('OUT_OF_JURISDICTION');
      return casesPage(
        ctx,
        reconArea(r.area.commune ?? r.area.province)!,
        {
          source: args.source ? SOURCE_OF[args.source] : null,
          kind: args.kind ?? null,
          statuses: args.status ?? null,
          lastSeenBy: r.createdAt.getTime(),
        },
        args,
      );
    },
    counts: (r) => Object.entries(r.counts).map(([kind, count]) => ({ kind: kind as never, count })),
    finishedAt: (r) => r.finishedAt ?? null,
    error: (r) => r.error ?? null,
    progress: (r) => ({ ...r.progress, etaS: r.progress.etaS ?? null }),
    casesCleared: (r) => r.casesCleared ?? 0,
    casesRecurred: (r) => r.casesRecurred ?? 0,
  },
  ReconciliationCase: {
    id: (c) => c.id,
    kind: (c) => c.finding.kind,
    source: (c) => DATA_SOURCE[c.finding.source],
    recordKey: (c) => c.finding.recordKey,
    personalId: (c) => c.finding.personalId,
    area: (c) => (c.finding.area.province ? areaInfo(c.finding.area.commune ?? c.finding.area.province) : null),
    field: (c) =>
      c.finding.kind !== 'MALFORMED' && c.finding.field
        ? (FIELD_ENUM[c.finding.field as keyof typeof FIELD_ENUM] ?? null)
        : null,
    sourceField: (c) => (c.finding.kind === 'MALFORMED' ? (c.finding.field ?? null) : null),
    variant: (c) => (c.finding.variant as never) ?? null,
    sourceValue: (c) => c.finding.sourceValue ?? null,
    populationValue: (c) => c.finding.trueValue ?? null,
    comparison: (c) => {
      const cmp = caseComparison(c.finding);
      if (!cmp) return null;
      const source = DATA_SOURCE[c.finding.source];
      return {
        field: FIELD_ENUM[cmp.field],
        formOnly: cmp.formOnly,
        population: { side: 'POPULATION', source: 'POPULATION', ...cmp.population },
        source: { side: 'SOURCE', source, ...cmp.source },
      };
    },
    status: (c) => c.status,
    assignee: (c) => c.assignee,
    notes: (c) => c.notes,
    history: (c) => c.history.map((h) => ({ ...h, assignee: h.assignee ?? null, note: h.note ?? null })),
    firstSeenAt: (c) => c.finding.firstSeenAt,
    lastSeenAt: (c) => c.lastSeen?.at ?? c.finding.lastSeenAt,
    lastSeenRunId: (c) => c.lastSeen?.runId ?? c.finding.lastSeenRunId,
    updatedAt: (c) => c.updatedAt,
  },
  ReconciliationSummary: {
    area: (s) => s.area,
    asOf: (s) => s.stats.asOf,
    complete: (s) => s.stats.complete,
    runIds: (s) => s.stats.runs,
    sources: (s) =>
      s.stats.sources.map((x) => ({
        source: DATA_SOURCE[x.source],
        records: x.records,
        recordsWithFindings: x.withFindings,
        cleanShare: x.cleanShare,
        openCases: [...(s.counts.open.get(x.source) ?? new Map<string, number>())].map(([kind, count]) => ({
          kind: kind as never,
          count,
        })),
      })),
    cases: (s) => Object.entries(s.counts.byStatus).map(([status, count]) => ({ status: status as never, count })),
  },
};
