import type { Resolvers } from '../../generated/graphql';
import type { HubContext } from '../../hub/context';
import { badUserInput } from '../../hub/errors';
import { areaInJurisdiction, forbidden } from '../../hub/policy';
import type { RunDoc } from '../../hub/reconciliation/runs';
import { areaInfo, areaOfInfo } from '../../hub/reports/read';

function officerOf(ctx: HubContext) {
  if (ctx.principal.kind !== 'OFFICER') throw new Error('@officer policy not applied');
  return ctx.principal;
}

/** Whether a run's area lies within the officer's jurisdiction. */
function mayUse(ctx: HubContext, area: { province: string; commune: string | null }): boolean {
  return areaInJurisdiction(officerOf(ctx).jurisdiction, area);
}

/** A run the officer may see; unknown and elsewhere answer alike. */
async function visibleRun(ctx: HubContext, id: string): Promise<RunDoc> {
  const run = await ctx.reconciliation.get(id);
  if (!run || !mayUse(ctx, run.area)) throw forbidden('OUT_OF_JURISDICTION');
  return run;
}

export const reconciliationResolvers: Resolvers = {
  Query: {
    reconciliationRun: async (_, { id }, ctx) => visibleRun(ctx, id),
  },
  Mutation: {
    reconciliationRunStart: async (_, { area: code }, ctx) => {
      const area = areaInfo(code);
      if (!area) throw badUserInput(`Unknown area code: ${code} (a 2-digit province or 5-digit commune code)`);
      const runArea = areaOfInfo(area);
      if (!mayUse(ctx, runArea)) throw forbidden('OUT_OF_JURISDICTION');
      return ctx.reconciliation.start(runArea, `officer:${officerOf(ctx).officerId}`);
    },
    reconciliationRunCancel: async (_, { id }, ctx) => {
      await visibleRun(ctx, id);
      return ctx.reconciliation.cancel(id);
    },
  },
  ReconciliationRun: {
    id: (r) => r._id,
    area: (r) => areaInfo(r.area.commune ?? r.area.province)!,
    counts: (r) => Object.entries(r.counts).map(([kind, count]) => ({ kind: kind as never, count })),
    finishedAt: (r) => r.finishedAt ?? null,
    error: (r) => r.error ?? null,
    progress: (r) => ({ ...r.progress, etaS: r.progress.etaS ?? null }),
  },
};
