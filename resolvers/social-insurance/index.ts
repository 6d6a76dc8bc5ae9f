import type { Resolvers } from '../../generated/graphql';

export const socialInsuranceResolvers: Resolvers = {
  Citizen: {
    socialInsurance: (citizen, _, ctx) => ctx.loaders.socialInsurance.load(citizen.personalId),
  },
};
