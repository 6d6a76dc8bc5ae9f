import { mergeResolvers } from '@graphql-tools/merge';
import type { Resolvers } from '../generated/graphql';
import { baseResolvers } from './base';
import { populationResolvers } from './population';
import { drivingLicenceResolvers } from './driving-licence';
import { healthInsuranceResolvers } from './health-insurance';
import { socialInsuranceResolvers } from './social-insurance';
import { healthRecordResolvers } from './health-record';
import { accessResolvers } from './access';
import { auditResolvers } from './audit';
import { accountsResolvers } from './accounts';
import { reconciliationResolvers } from './reconciliation';
import { reconciliationWorkbenchResolvers } from './reconciliation/workbench';
import { rightsResolvers } from './rights';
import { shareResolvers } from './share';

/** Every module's resolvers, one module per source (same names as schema/ and connectors/). */
export const resolvers: Resolvers = mergeResolvers([
  baseResolvers,
  populationResolvers,
  drivingLicenceResolvers,
  healthInsuranceResolvers,
  socialInsuranceResolvers,
  healthRecordResolvers,
  accessResolvers,
  auditResolvers,
  accountsResolvers,
  reconciliationResolvers,
  reconciliationWorkbenchResolvers,
  rightsResolvers,
  shareResolvers,
]);
