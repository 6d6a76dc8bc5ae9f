/**
 * Where a finding and a record belong (runs, cases and figures are per area): the area of the
 * person concerned (today's permanent residence, from the {@link PopulationIndex}); a record with
 * no person at all (ORPHAN, `personalId` null) carries no address, so its province is the one
 * encoded in its key when it is a 12-digit personal ID (the birth-registration province, mapped
 * to today's province), with no commune; anything else has no known area.
 */
import { oldProvinceByIdCode } from '../../reference/areas';
import type { Area, Finding, FindingAreaDoc } from './model';
import type { PopulationIndex } from './population-index';
import { PERSONAL_ID } from './readers';

/**
 * The area a finding belongs to (runs are per area): the person's, or for records with no
 * person (ORPHAN) null. A population DUPLICATE falls back to the duplicate record's own area.
 */
export function findingArea(f: Finding, index: PopulationIndex): Area | null {
  return (
    (f.personalId ? index.areaOf(f.personalId) : null) ?? (f.source === 'population' ? index.areaOf(f.recordKey) : null)
  );
}

/**
 * The area of a finding: the person's (see {@link findingArea}); for a record with no person,
 * the province of a 12-digit key's birth-registration code (no commune); else unknown.
 */
export function areaOfFinding(f: Finding, index: PopulationIndex): FindingAreaDoc {
  const a = findingArea(f, index);
  if (a) return { province: a.province, commune: a.commune };
  if (f.kind === 'ORPHAN' && f.personalId === null) {
    return { province: orphanProvince(f.recordKey), commune: null };
  }
  // A population record whose commune cannot be read: its province, when that can be.
  if (f.source === 'population') return { province: index.provinceOfSlot(index.slotOf(f.recordKey)), commune: null };
  return { province: null, commune: null };
}

/** Today's province of the birth-registration code of a 12-digit personal ID, or null. */
export function orphanProvince(recordKey: unknown): string | null {
  if (typeof recordKey !== 'string' || !PERSONAL_ID.test(recordKey)) return null;
  return oldProvinceByIdCode(recordKey.slice(0, 3))?.newCode ?? null;
}

/** The area of a record (its person's in `slot`, -1: none; else an orphan's key province). */
export function recordArea(slot: number, key: string, index: PopulationIndex): FindingAreaDoc {
  const pa = index.areaOfSlot(slot);
  if (pa) return { province: pa.province, commune: pa.commune };
  return { province: slot < 0 ? orphanProvince(key) : index.provinceOfSlot(slot), commune: null };
}
