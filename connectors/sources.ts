/**
 * The ONE list of the sources the hub links, in the order the API lists them. Everything
 * per source derives from it: the `SourceName` type, the source registry (registry.ts:
 * database, collection, mapping, loaders), fault injection and per-source policies
 * (faults.ts, hub/config.ts), per-request counters (batch.ts), metrics, health and the bench.
 * Adding a source starts here; the compiler then points at every mapping that lacks it.
 */
export const SOURCE_NAMES = [
  'population',
  'drivingLicence',
  'healthInsurance',
  'socialInsurance',
  'healthRecord',
] as const;

export type SourceName = (typeof SOURCE_NAMES)[number];

/** A record with one value per source, in list order. */
export function perSource<T>(value: (source: SourceName) => T): Record<SourceName, T> {
  return Object.fromEntries(SOURCE_NAMES.map((s) => [s, value(s)])) as Record<SourceName, T>;
}
