import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import type { RequestMetrics } from './batch';
import type { LookupStrategy, Store } from '../hub/store/connection';
import type { SourceName } from '../hub/store/seed-meta';
import { POPULATION_COLLECTION, POPULATION_DB } from './population/model';
import { createPopulationLoader, type CitizenRecord } from './population/connector';
import { DRIVING_LICENCE_COLLECTION, DRIVING_LICENCE_DB } from './driving-licence/model';
import { createDrivingLicenceLoader, type DrivingLicenceRecord } from './driving-licence/connector';
import { HEALTH_INSURANCE_COLLECTION, HEALTH_INSURANCE_DB } from './health-insurance/model';
import { createHealthInsuranceLoader, type HealthInsuranceRecord } from './health-insurance/connector';
import { SOCIAL_INSURANCE_COLLECTION, SOCIAL_INSURANCE_DB } from './social-insurance/model';
import { createSocialInsuranceLoader, type SocialInsuranceRecord } from './social-insurance/connector';
import { HEALTH_RECORD_COLLECTION, HEALTH_RECORD_DB } from './health-record/model';
import { createHealthRecordLoader, type HealthRecordRecord } from './health-record/connector';

/** One loader per source, created per request. */
export interface Loaders {
  population: DataLoader<string, CitizenRecord | null>;
  drivingLicence: DataLoader<string, DrivingLicenceRecord | null>;
  healthInsurance: DataLoader<string, HealthInsuranceRecord | null>;
  socialInsurance: DataLoader<string, SocialInsuranceRecord | null>;
  healthRecord: DataLoader<string, HealthRecordRecord | null>;
}

type LoaderFactory<K extends SourceName> = (
  db: Db,
  strategy: LookupStrategy,
  metrics: RequestMetrics,
  timeoutMs: number,
) => Loaders[K];

interface SourceEntry<K extends SourceName> {
  /** Database name (before HUB_DB_PREFIX). */
  db: string;
  /** The collection holding one document per person. */
  collection: string;
  createLoader: LoaderFactory<K>;
}

/**
 * Every source the hub links. Adding a source: a folder under connectors/ (model,
 * connector, seed), an entry here, its SDL under schema/, its resolvers under
 * resolvers/ (see README, "How to add a source").
 */
export const SOURCES: { [K in SourceName]: SourceEntry<K> } = {
  population: { db: POPULATION_DB, collection: POPULATION_COLLECTION, createLoader: createPopulationLoader },
  drivingLicence: {
    db: DRIVING_LICENCE_DB,
    collection: DRIVING_LICENCE_COLLECTION,
    createLoader: createDrivingLicenceLoader,
  },
  healthInsurance: {
    db: HEALTH_INSURANCE_DB,
    collection: HEALTH_INSURANCE_COLLECTION,
    createLoader: createHealthInsuranceLoader,
  },
  socialInsurance: {
    db: SOCIAL_INSURANCE_DB,
    collection: SOCIAL_INSURANCE_COLLECTION,
    createLoader: createSocialInsuranceLoader,
  },
  healthRecord: { db: HEALTH_RECORD_DB, collection: HEALTH_RECORD_COLLECTION, createLoader: createHealthRecordLoader },
};

export const SOURCE_NAMES = Object.keys(SOURCES) as SourceName[];

/** Fresh loaders for one request (never share them between requests). */
export function createLoaders(store: Store, metrics: RequestMetrics, timeoutMs: number): Loaders {
  const make = <K extends SourceName>(k: K): Loaders[K] =>
    SOURCES[k].createLoader(store.db(SOURCES[k].db), store.lookupStrategy, metrics, timeoutMs);
  return {
    population: make('population'),
    drivingLicence: make('drivingLicence'),
    healthInsurance: make('healthInsurance'),
    socialInsurance: make('socialInsurance'),
    healthRecord: make('healthRecord'),
  };
}
