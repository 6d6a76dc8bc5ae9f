import type { Resolvers } from '../../generated/graphql';
import { DateScalar, DateTimeScalar, PersonalIdScalar } from '../../hub/scalars';

export const baseResolvers: Resolvers = {
  PersonalId: PersonalIdScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    ping: () => true,
  },
};
