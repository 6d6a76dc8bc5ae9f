/**
 * Reconciliation areas and who may use them, one rule for the GraphQL API and the CSV export:
 * a province, a commune, or VN (the whole country, national runs and cases). A national
 * supervisor (jurisdiction VN) may use every area, also cases of no known area; any other
 * officer the areas within their jurisdiction, never VN.
 */
import type { Jurisdiction } from '../access/auth/principal';
import { areaInJurisdiction } from '../access/policy';
import { areaInfo, type AreaInfo } from '../accounts/reports/read';
import { NATIONAL } from './model';

/** The whole country, as a reconciliation area (national runs; a national supervisor's). */
export const NATIONAL_AREA: AreaInfo = { code: NATIONAL, name: 'Việt Nam', kind: 'NATIONAL', province: NATIONAL };

/** An area code of reconciliation: a province, a commune, or VN (the whole country); null: unknown. */
export function reconArea(code: string): AreaInfo | null {
  return code === NATIONAL ? NATIONAL_AREA : areaInfo(code);
}

/**
 * Whether an area (a run's, a case's, an export's) lies within the jurisdiction: a national
 * supervisor's (VN) holds every area, also none (records with no known area).
 */
export function reconAreaAllowed(j: Jurisdiction, area: { province: string | null; commune: string | null }): boolean {
  if (j.province === NATIONAL) return true;
  const { province, commune } = area;
  return province !== null && province !== NATIONAL && areaInJurisdiction(j, { province, commune });
}
