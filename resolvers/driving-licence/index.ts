import type { Resolvers } from '../../generated/graphql';
import { todayInVietnam } from '../../lib/dates';

export const drivingLicenceResolvers: Resolvers = {
  Citizen: {
    drivingLicence: (citizen, _, ctx) => ctx.loaders.drivingLicence.load(citizen.personalId),
  },
  DrivingLicenceClass: {
    expired: (c, _, ctx) => c.expiresOn !== null && c.expiresOn !== undefined && c.expiresOn < todayInVietnam(ctx.now),
  },
};
