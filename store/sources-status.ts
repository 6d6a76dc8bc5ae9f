/**
 * What the sources hold, as whoever loads them records it (here the seeding, mockdata/seed):
 * one document read by readiness (`/readyz`: no document, `sources not seeded`) and by
 * reconciliation runs (documents per collection, for progress totals). The collection keeps
 * its historical name, `seedManifest`; the loader may add its own fields (the seed manifest
 * does: seed, rates, start time).
 */
export const SOURCES_STATUS_COLLECTION = 'seedManifest';

export interface SourcesStatusDoc {
  _id: 'current';
  /** Citizens in the population source. */
  citizens: number;
  /** Documents written per collection. */
  counts: Record<string, number>;
  finishedAt: Date;
}
