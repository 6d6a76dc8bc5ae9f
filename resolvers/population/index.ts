import type { Resolvers } from '../../generated/graphql';
import { badUserInput } from '../../lib/errors';
import { todayInVietnam } from '../../lib/dates';

/** Most IDs `citizens(personalIds)` takes in one call. */
export const MAX_CITIZENS_PER_QUERY = 100;

export const populationResolvers: Resolvers = {
  Query: {
    citizen: (_, { personalId }, ctx) => ctx.loaders.population.load(personalId),
    // The @guardian policy has let the parent or guardian through and taken the child's decisions.
    ward: (_, { personalId }, ctx) => ctx.loaders.population.load(personalId),
    // The policy (@self) lets only a citizen through.
    me: (_, __, ctx) =>
      ctx.principal.kind === 'CITIZEN' ? ctx.loaders.population.load(ctx.principal.personalId) : null,
    citizens: async (_, { personalIds }, ctx) => {
      if (personalIds.length > MAX_CITIZENS_PER_QUERY) {
        throw badUserInput(`citizens takes at most ${MAX_CITIZENS_PER_QUERY} personal IDs`, {
          max: MAX_CITIZENS_PER_QUERY,
        });
      }
      // loadMany keeps order and length; a failed key stays an error at its position.
      const results = await ctx.loaders.population.loadMany(personalIds);
      return results.map((r) => {
        if (r instanceof Error) throw r;
        return r;
      });
    },
  },
  IdentityCard: {
    expired: (card, _, ctx) => card.expiresOn !== null && card.expiresOn < todayInVietnam(ctx.now),
  },
  ResidenceCard: {
    expired: (card, _, ctx) => card.expiresOn !== null && card.expiresOn < todayInVietnam(ctx.now),
  },
};
