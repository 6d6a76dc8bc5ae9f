import type { Resolvers } from '../../generated/graphql';
import { todayInVietnam } from '../../lib/dates';

export const healthInsuranceResolvers: Resolvers = {
  Citizen: {
    healthInsurance: (citizen, _, ctx) => ctx.loaders.healthInsurance.load(citizen.personalId),
  },
  HealthInsurance: {
    valid: (card, _, ctx) => {
      const today = todayInVietnam(ctx.now);
      // Both dates are readable here: an unreadable one makes `valid` unreadable too (the mapper).
      return card.validFrom !== null && card.validTo !== null && card.validFrom <= today && today <= card.validTo;
    },
  },
};
