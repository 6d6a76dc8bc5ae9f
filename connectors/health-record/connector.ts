import { fromIsoDate } from '../dates';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type HealthBookDoc } from './model';

/** The hub's reading of an electronic health book; the mapper type behind `HealthRecord`. */
export interface HealthRecordRecord {
  bloodType: string | null;
  allergies: string[];
  chronicConditions: Array<{ icd10: string; name: string; since: string }>;
  visits: Array<{
    date: string;
    facility: { code: string; name: string };
    diagnoses: Array<{ icd10: string; name: string }>;
    treatment: string;
  }>;
  vaccinations: Array<{ vaccine: string; date: string; dose: number }>;
  provenance: ProvenanceRecord;
}

const nfc = (s: string): string => s.normalize('NFC');

export function mapHealthRecord(d: HealthBookDoc): HealthRecordRecord {
  const updated = d.lastUpdated ? new Date(d.lastUpdated) : null;
  if (updated && Number.isNaN(updated.getTime())) throw new Error(`bad lastUpdated: ${d.lastUpdated}`);
  return {
    bloodType: d.bloodType ?? null,
    allergies: d.allergies.map(nfc),
    chronicConditions: d.chronicConditions.map((c) => ({
      icd10: c.code,
      name: nfc(c.display),
      since: fromIsoDate(c.since),
    })),
    visits: d.encounters.map((e) => ({
      date: fromIsoDate(e.date),
      facility: { code: e.facility.code, name: nfc(e.facility.name) },
      diagnoses: e.diagnoses.map((x) => ({ icd10: x.code, name: nfc(x.display) })),
      treatment: nfc(e.treatment),
    })),
    vaccinations: d.immunizations.map((i) => ({ vaccine: nfc(i.vaccine), date: fromIsoDate(i.date), dose: i.dose })),
    provenance: provenance('healthRecord', updated),
  };
}
