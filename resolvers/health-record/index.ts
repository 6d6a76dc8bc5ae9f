import type { Resolvers } from '../../generated/graphql';

export const healthRecordResolvers: Resolvers = {
  Citizen: {
    healthRecord: (citizen, _, ctx) => ctx.loaders.healthRecord.load(citizen.personalId),
  },
};
