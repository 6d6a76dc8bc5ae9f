import type { SourceName } from './sources';

/** GraphQL `DataSource` values per source. */
export const DATA_SOURCE = {
  population: 'POPULATION',
  drivingLicence: 'DRIVING_LICENCE',
  healthInsurance: 'HEALTH_INSURANCE',
  socialInsurance: 'SOCIAL_INSURANCE',
  healthRecord: 'HEALTH_RECORD',
} as const satisfies Record<SourceName, string>;

/** Where a document comes from, as the connectors give it. */
export interface ProvenanceRecord {
  source: (typeof DATA_SOURCE)[SourceName];
  updatedAtSource: Date | null;
}

export function provenance(source: SourceName, updatedAtSource: Date | null): ProvenanceRecord {
  return { source: DATA_SOURCE[source], updatedAtSource };
}
