import type DataLoader from 'dataloader';
import type { Document } from 'mongodb';
import { createSourceLoader, type RequestMetrics } from './batch';
import type { SourceGuards } from './resilience';
import type { Store } from '../store/connection';
import { SOURCE_NAMES, perSource, type SourceName } from './sources';
import { POPULATION_COLLECTION, POPULATION_DB } from './population/model';
import { mapCitizen } from './population/connector';
import { DRIVING_LICENCE_COLLECTION, DRIVING_LICENCE_DB } from './driving-licence/model';
import { mapDrivingLicence } from './driving-licence/connector';
import { HEALTH_INSURANCE_COLLECTION, HEALTH_INSURANCE_DB } from './health-insurance/model';
import { mapHealthInsurance } from './health-insurance/connector';
import { SOCIAL_INSURANCE_COLLECTION, SOCIAL_INSURANCE_DB } from './social-insurance/model';
import { mapSocialInsurance } from './social-insurance/connector';
import { HEALTH_RECORD_COLLECTION, HEALTH_RECORD_DB } from './health-record/model';
import { mapHealthRecord } from './health-record/connector';

interface SourceEntry<TDoc, TRecord> {
  /** Database name (before HUB_DB_PREFIX). */
  db: string;
  /** The collection holding one document per person, keyed by personal ID. */
  collection: string;
  /** The connector's mapping from the agency's document to the hub's record. */
  map: (doc: TDoc) => TRecord;
}

const entry = <TDoc, TRecord>(e: SourceEntry<TDoc, TRecord>) => e;

/**
 * Every source the hub links. Adding a source: a folder under connectors/ (model,
 * connector, seed), an entry here, its SDL under schema/, its resolvers under
 * resolvers/ (see docs/adding-a-source.md).
 */
export const SOURCES = {
  population: entry({ db: POPULATION_DB, collection: POPULATION_COLLECTION, map: mapCitizen }),
  drivingLicence: entry({ db: DRIVING_LICENCE_DB, collection: DRIVING_LICENCE_COLLECTION, map: mapDrivingLicence }),
  healthInsurance: entry({ db: HEALTH_INSURANCE_DB, collection: HEALTH_INSURANCE_COLLECTION, map: mapHealthInsurance }),
  socialInsurance: entry({ db: SOCIAL_INSURANCE_DB, collection: SOCIAL_INSURANCE_COLLECTION, map: mapSocialInsurance }),
  healthRecord: entry({ db: HEALTH_RECORD_DB, collection: HEALTH_RECORD_COLLECTION, map: mapHealthRecord }),
} satisfies Record<SourceName, SourceEntry<never, unknown>>;

export { SOURCE_NAMES, type SourceName };

/** The hub's record type a source's loader yields. */
export type SourceRecord<K extends SourceName> = ReturnType<(typeof SOURCES)[K]['map']>;

/** One loader per source, created per request. */
export type Loaders = { [K in SourceName]: DataLoader<string, SourceRecord<K> | null> };

/** Fresh loaders for one request (never share them between requests), under the process's source guards. */
export function createLoaders(
  store: Store,
  metrics: RequestMetrics,
  opts: { guards: SourceGuards; deadline?: number },
): Loaders {
  const make = <K extends SourceName>(source: K): Loaders[K] => {
    const { db, collection, map } = SOURCES[source] as SourceEntry<Document, SourceRecord<K>>;
    // (TypeScript cannot correlate Loaders[K] with the generic K here; the types above are exact.)
    return createSourceLoader<Document, SourceRecord<K>>({
      source,
      collection: store.db(db).collection(collection),
      strategy: store.lookupStrategy,
      map,
      metrics,
      guard: opts.guards.get(source),
      deadline: opts.deadline,
    }) as Loaders[K];
  };
  // (perSource cannot correlate each key with its loader type; make's types are exact.)
  return perSource(make) as Loaders;
}
