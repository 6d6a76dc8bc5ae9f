import type { Resolvers } from '../../generated/graphql';
import type { HubContext } from '../../services/context';
import type { ShareRequest } from '../../services/share/shares';
import { JsonScalar } from '../../hub/scalars';

/** What the share service needs of the request. */
const request = (ctx: HubContext): ShareRequest => ({
  principal: ctx.principal,
  now: ctx.now,
  access: ctx.access,
  loaders: ctx.loaders,
  audit: ctx.audit,
  clients: ctx.caches.clients,
});

export const shareResolvers: Resolvers = {
  JSON: JsonScalar,
  Mutation: {
    // The `@self` policy lets only the citizen in, `@verifier` only officers and clients.
    shareCreate: (_, { input }, ctx) => ctx.shares.create(request(ctx), input),
    shareRedeem: (_, { code }, ctx) => ctx.shares.redeem(request(ctx), code),
  },
};
