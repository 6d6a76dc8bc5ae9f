import { FieldReader, recordOf } from '../fields';
import { CODE_MAX } from '../identity';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type HealthBookDoc } from './model';

/**
 * The hub's reading of an electronic health book; the mapper type behind `HealthRecord`. Null
 * where the source's value cannot be read (connectors/fields.ts; the API answers SOURCE_DATA_INVALID).
 */
export interface HealthRecordRecord {
  bloodType: string | null;
  allergies: string[] | null;
  chronicConditions: Array<{ icd10: string | null; name: string | null; since: string | null }> | null;
  visits: HealthVisitRecord[] | null;
  vaccinations: Array<{ vaccine: string | null; date: string | null; dose: number | null }> | null;
  /** Null also when the book has no episode list at all (written before the field existed). */
  treatmentEpisodes: TreatmentEpisodeRecord[] | null;
  provenance: ProvenanceRecord;
}

export interface HealthVisitRecord {
  date: string | null;
  facility: { code: string | null; name: string | null } | null;
  diagnoses: Array<{ icd10: string | null; name: string | null }> | null;
  treatment: string | null;
}

export type TreatmentEpisodeKind = 'INPATIENT' | 'DAY_CARE' | 'OUTPATIENT';
export type TreatmentOutcome = 'RECOVERED' | 'IMPROVED' | 'UNCHANGED' | 'WORSE' | 'TRANSFERRED' | 'DIED';

export interface TreatmentEpisodeRecord {
  kind: TreatmentEpisodeKind | null;
  start: string | null;
  end: string | null;
  facility: { code: string | null; name: string | null } | null;
  diagnoses: Array<{ icd10: string | null; name: string | null }> | null;
  outcome: TreatmentOutcome | null;
  treatment: string | null;
}

const EPISODE_KINDS: Record<string, TreatmentEpisodeKind> = {
  inpatient: 'INPATIENT',
  'day-care': 'DAY_CARE',
  outpatient: 'OUTPATIENT',
};
const OUTCOMES: Record<string, TreatmentOutcome> = {
  recovered: 'RECOVERED',
  improved: 'IMPROVED',
  unchanged: 'UNCHANGED',
  worse: 'WORSE',
  transferred: 'TRANSFERRED',
  died: 'DIED',
};

const BLOOD_TYPES = Object.fromEntries(['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'].map((b) => [b, b]));
/** Longest free text read (a treatment). */
const TEXT_MAX = 1000;

const r = new FieldReader('healthRecord');

const coding = (c: Record<string, unknown>, at: string) => {
  const x = {} as { icd10: string | null; name: string | null };
  x.icd10 = r.text(x, 'icd10', c.code, `${at}.code`, CODE_MAX);
  x.name = r.text(x, 'name', c.display, `${at}.display`, TEXT_MAX);
  return x;
};

const facility = (f: Record<string, unknown>, at: string) => {
  const y = {} as { code: string | null; name: string | null };
  y.code = r.text(y, 'code', f.code, `${at}.code`, CODE_MAX);
  y.name = r.text(y, 'name', f.name, `${at}.name`);
  return y;
};

/** One treatment episode (`episodes.i`); an ongoing one has no end and no outcome. */
function episode(e: Record<string, unknown>, i: number): TreatmentEpisodeRecord {
  const at = `episodes.${i}`;
  const x = {} as TreatmentEpisodeRecord;
  x.kind = r.code(x, 'kind', e.kind, `${at}.kind`, EPISODE_KINDS);
  x.start = r.date(x, 'start', e.start, `${at}.start`);
  x.end = r.optDate(x, 'end', e.end, `${at}.end`);
  x.facility = r.object(x, 'facility', e.facility, `${at}.facility`, (f) => facility(f, `${at}.facility`));
  x.diagnoses = r.list(x, 'diagnoses', e.diagnoses, `${at}.diagnoses`, (c, j) => coding(c, `${at}.diagnoses.${j}`));
  x.outcome =
    e.outcome === undefined || e.outcome === null ? null : r.code(x, 'outcome', e.outcome, `${at}.outcome`, OUTCOMES);
  x.treatment = r.text(x, 'treatment', e.summary, `${at}.summary`, TEXT_MAX);
  return x;
}

/** Maps a health book; a bad field is null and marked, never thrown (only a bad `_id` throws). */
export function mapHealthRecord(doc: HealthBookDoc): HealthRecordRecord {
  const d = recordOf(doc);
  const prov = provenance('healthRecord', null);
  prov.updatedAtSource =
    d.lastUpdated === undefined || d.lastUpdated === null
      ? null
      : r.parsed(prov, 'updatedAtSource', d.lastUpdated, 'lastUpdated', (s) => {
          const t = new Date(s);
          return Number.isNaN(t.getTime()) ? null : t;
        });
  const o = { provenance: prov } as HealthRecordRecord;
  o.bloodType =
    d.bloodType === undefined || d.bloodType === null
      ? null
      : r.code(o, 'bloodType', d.bloodType, 'bloodType', BLOOD_TYPES);
  o.allergies = r.textList(o, 'allergies', d.allergies, 'allergies', TEXT_MAX);
  o.chronicConditions = r.list(o, 'chronicConditions', d.chronicConditions, 'chronicConditions', (c, i) => {
    const x = coding(c, `chronicConditions.${i}`) as NonNullable<HealthRecordRecord['chronicConditions']>[number];
    x.since = r.date(x, 'since', c.since, `chronicConditions.${i}.since`);
    return x;
  });
  o.visits = r.list(o, 'visits', d.encounters, 'encounters', (e, i) => {
    const at = `encounters.${i}`;
    const x = {} as HealthVisitRecord;
    x.date = r.date(x, 'date', e.date, `${at}.date`);
    x.facility = r.object(x, 'facility', e.facility, `${at}.facility`, (f) => facility(f, `${at}.facility`));
    x.diagnoses = r.list(x, 'diagnoses', e.diagnoses, `${at}.diagnoses`, (c, j) => coding(c, `${at}.diagnoses.${j}`));
    x.treatment = r.text(x, 'treatment', e.treatment, `${at}.treatment`, TEXT_MAX);
    return x;
  });
  o.vaccinations = r.list(o, 'vaccinations', d.immunizations, 'immunizations', (v, i) => {
    const at = `immunizations.${i}`;
    const x = {} as NonNullable<HealthRecordRecord['vaccinations']>[number];
    x.vaccine = r.text(x, 'vaccine', v.vaccine, `${at}.vaccine`);
    x.date = r.date(x, 'date', v.date, `${at}.date`);
    x.dose = r.number(x, 'dose', v.dose, `${at}.dose`, 1, 100);
    return x;
  });
  o.treatmentEpisodes =
    d.episodes === undefined || d.episodes === null
      ? null
      : r.list(o, 'treatmentEpisodes', d.episodes, 'episodes', episode);
  return o;
}
