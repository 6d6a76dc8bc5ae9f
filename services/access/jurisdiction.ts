/**
 * Officers' jurisdiction: whether a citizen's area, or a whole area an officer names, lies in
 * the officer's province (or commune, when the officer's jurisdiction is narrowed to one).
 */
import type { CitizenRecord } from '../../connectors/population/connector';
import type { Jurisdiction } from './auth/principal';

/** True when a citizen's area (today's codes) lies in an officer's province, or commune when narrowed. */
export function inJurisdiction(j: Jurisdiction, area: CitizenRecord['area']): boolean {
  return !!area && area.province === j.province && (!j.commune || area.commune === j.commune);
}

/**
 * True when a whole area an officer names (a province: `commune` null, or one commune/ward) lies
 * in the jurisdiction: a province only for a province officer, a commune within theirs.
 */
export function areaInJurisdiction(j: Jurisdiction, area: { province: string; commune: string | null }): boolean {
  if (area.commune === null) return !j.commune && j.province === area.province;
  return inJurisdiction(j, { province: area.province, commune: area.commune });
}
