import { DATA_SOURCE } from '../../connectors/provenance';
import type { SourceName } from '../../connectors/sources';
import type { Resolvers, ResolversTypes } from '../../generated/graphql';
import { badUserInput, echoShort, notFound } from '../../lib/errors';
import { forbidden, pathString } from '../../services/access/policy';
import { areaInfo, type AreaInfo } from '../../services/accounts/reports/read';
import type { HubContext } from '../../services/context';
import { reconArea, reconAreaAllowed } from '../../services/reconciliation/areas';
import { dataRequestIdOf } from '../../services/rights/corrections';
import { buildExport } from '../../services/rights/export';
import { actDeadline, overdue, type OfficerAction, type RequestResult } from '../../services/rights/model';
import {
  RequestCursorError,
  areaRequests,
  officerAct,
  requestReport,
  visibleRequest,
} from '../../services/rights/officer';
import { renderText } from '../../services/rights/render';
import { decodeRequestCursor } from '../../services/rights/service';
import { consentStatement } from '../../services/rights/statements';

function citizenOf(ctx: HubContext): string {
  if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
  return ctx.principal.personalId;
}

function officerOf(ctx: HubContext) {
  if (ctx.principal.kind !== 'OFFICER') throw new Error('@officer policy not applied');
  return ctx.principal;
}

const SOURCE_OF: Record<string, SourceName> = Object.fromEntries(
  Object.entries(DATA_SOURCE).map(([name, value]) => [value, name as SourceName]),
);

function checkFirst(first: number | null | undefined, dflt: number): number {
  const n = first ?? dflt;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw badUserInput('first must be between 1 and 100');
  return n;
}

/** An area the officer names: known (BAD_USER_INPUT) and within the jurisdiction (FORBIDDEN). */
function areaFor(ctx: HubContext, code: string, national: boolean): AreaInfo {
  const area = national ? reconArea(code) : areaInfo(code);
  if (!area) throw badUserInput(`Unknown area code${echoShort(code)} (a 2-digit province or 5-digit commune code)`);
  const commune = area.kind === 'COMMUNE' ? area.code : null;
  if (!reconAreaAllowed(officerOf(ctx).jurisdiction, { province: area.province, commune }))
    throw forbidden('OUT_OF_JURISDICTION');
  return area;
}

const payload = (r: RequestResult): ResolversTypes['DataRequestPayload'] => ({
  request: r.request ?? null,
  userErrors: r.userErrors ?? [],
});

async function act(ctx: HubContext, id: string, action: OfficerAction, text?: string | null) {
  const r = await officerAct(ctx.rights, officerOf(ctx), id, action, text);
  if (r === 'OUT_OF_JURISDICTION') throw forbidden('OUT_OF_JURISDICTION');
  return payload(r);
}

export const rightsResolvers: Resolvers = {
  Query: {
    myRequests: async (_, { first, after }, ctx) => {
      const before = after ? decodeRequestCursor(after) : undefined;
      if (before === null) throw badUserInput('after is not a cursor of your requests');
      const page = await ctx.rights.mine(citizenOf(ctx), { first: checkFirst(first, 20), after: before });
      return { nodes: page.nodes, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    },
    myDataExport: async (_, __, ctx, info) =>
      buildExport(
        ctx.rights,
        { loaders: ctx.loaders, access: ctx.access, account: (id) => ctx.accounts.get(id) },
        citizenOf(ctx),
        pathString(info),
        ctx.audit.events,
      ),
    consentStatement: async (_, { consentId }, ctx) => {
      const s = await consentStatement(ctx.rights, consentId, { kind: 'CITIZEN', citizenId: citizenOf(ctx) });
      if (!s) throw notFound('No such consent');
      return s;
    },
    dataRequests: async (_, args, ctx) => {
      const area = areaFor(ctx, args.area, true);
      try {
        const page = await areaRequests(
          ctx.rights,
          officerOf(ctx),
          area,
          { kind: args.kind ?? null, statuses: args.status ?? null, overdueOnly: args.overdueOnly ?? false },
          { first: checkFirst(args.first, 50), after: args.after },
        );
        return { nodes: page.nodes, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
      } catch (err) {
        if (err instanceof RequestCursorError) throw badUserInput(err.message);
        throw err;
      }
    },
    dataRequest: async (_, { id }, ctx) => {
      if (ctx.principal.kind === 'CITIZEN') {
        const r = await ctx.rights.get(id);
        if (!r || r.citizenId !== ctx.principal.personalId) throw notFound('No such request');
        return r;
      }
      const r = await visibleRequest(ctx.rights, officerOf(ctx), id);
      if (!r) throw forbidden('OUT_OF_JURISDICTION');
      return r;
    },
    dataRequestReport: async (_, { area }, ctx) => requestReport(ctx.rights, areaFor(ctx, area, false)),
  },
  Mutation: {
    correctionRequest: async (_, { input }, ctx) => {
      const { result, caseChange } = await ctx.rights.fileCorrection(citizenOf(ctx), {
        source: SOURCE_OF[input.source],
        field: input.field,
        note: input.note,
      });
      if (caseChange) (ctx.audit.caseChanges ??= []).push(caseChange);
      return payload(result);
    },
    processingRestrictionRequest: async (_, { input }, ctx) =>
      payload(
        await ctx.rights.fileRestriction(citizenOf(ctx), {
          clientId: input.clientId,
          kind: input.kind ?? 'RESTRICTION',
          note: input.note,
        }),
      ),
    processingRestrictionLift: async (_, { clientId }, ctx) =>
      payload(await ctx.rights.liftRestriction(citizenOf(ctx), clientId)),
    dataRequestAcknowledge: (_, { id, note }, ctx) => act(ctx, id, 'ACKNOWLEDGE', note),
    dataRequestStart: (_, { id, note }, ctx) => act(ctx, id, 'START', note),
    dataRequestExtend: (_, { id, reason }, ctx) => act(ctx, id, 'EXTEND', reason),
    dataRequestComplete: (_, { id, note }, ctx) => act(ctx, id, 'COMPLETE', note),
    dataRequestRefuse: (_, { id, reason }, ctx) => act(ctx, id, 'REFUSE', reason),
  },
  DataRequest: {
    id: (r) => r._id,
    area: (r) => (r.area ? areaInfo(r.area.commune ?? r.area.province) : null),
    clientId: (r) => r.clientId ?? null,
    consentId: (r) => r.consentId ?? null,
    source: (r) => (r.source ? DATA_SOURCE[r.source] : null),
    field: (r) => r.field ?? null,
    note: (r) => r.note ?? null,
    caseId: (r) => r.caseId ?? null,
    acknowledgeBy: (r) => r.ackDueAt,
    actBy: (r) => actDeadline(r),
    originalActBy: (r) => r.actDueAt,
    extendedAt: (r) => r.extendedAt ?? null,
    extensionReason: (r) => r.extensionReason ?? null,
    acknowledgedAt: (r) => r.acknowledgedAt ?? null,
    acknowledgedLate: (r) => !!r.acknowledgedAt && r.acknowledgedAt.getTime() > r.ackDueAt.getTime(),
    startedAt: (r) => r.startedAt ?? null,
    closedAt: (r) => r.closedAt ?? null,
    closedLate: (r) => !!r.closedAt && r.closedAt.getTime() > actDeadline(r).getTime(),
    refusalReason: (r) => r.refusalReason ?? null,
    resolution: (r) => r.resolution ?? null,
    restrictionInForce: (r, _, ctx) => ctx.rights.restrictionInForce(r),
    liftedAt: (r) => r.liftedAt ?? null,
    acknowledgementOverdue: (r, _, ctx) => overdue(r, ctx.now).acknowledgement,
    actionOverdue: (r, _, ctx) => overdue(r, ctx.now).action,
    history: (r) => r.history.map((h) => ({ ...h, note: h.note ?? null })),
  },
  DataExport: {
    json: (e) => JSON.stringify(e.doc, null, 2),
    text: (e) => renderText(e.doc),
  },
  Consent: {
    restricted: (c, _, ctx) => ctx.caches.restrictions.restricted(c.citizenId, c.clientId),
  },
  ReconciliationCase: {
    correctionField: (c) => (c.finding.kind === 'CORRECTION_REQUEST' ? (c.finding.field ?? null) : null),
    dataRequestId: (c) => dataRequestIdOf(c.finding) ?? null,
    dueAt: async (c, _, ctx) => {
      const id = dataRequestIdOf(c.finding);
      const r = id ? await ctx.rights.get(id) : null;
      return r ? actDeadline(r) : null;
    },
    overdue: async (c, _, ctx) => {
      const id = dataRequestIdOf(c.finding);
      const r = id ? await ctx.rights.get(id) : null;
      return r ? overdue(r, ctx.now).action : null;
    },
    dataRequestStatus: async (c, _, ctx) => {
      const id = dataRequestIdOf(c.finding);
      return (id ? await ctx.rights.get(id) : null)?.status ?? null;
    },
  },
};
