/**
 * Builds electronic health books (Ministry of Health mock): FHIR-flavoured English
 * names, ISO 8601 dates, gender "male"/"female", NFC names. Visits carry real
 * ICD-10 codes with Vietnamese labels; chronic conditions for some older people
 * come back as follow-up visits; pregnancies match the person's children;
 * immunisations follow the expanded programme (TCMR) and the COVID-19 campaign; treatment
 * episodes (stays and courses) follow from the visits (sources-2025.ts).
 */
import { TODAY, ageOn, day, isoDate, isoDateTimeVn, officeSeconds, type Day } from '../generator/dates';
import {
  ACUTE_TABLES,
  ALLERGIES,
  BLOOD_TYPES,
  CHILD_CHRONIC,
  CHRONIC_TABLES,
  COVID_VACCINES,
  EPI_SCHEDULE,
  TREATMENTS_ACUTE,
  TREATMENTS_CHRONIC,
  TREATMENTS_SPECIAL,
  ageGroup,
  communeStation,
  hospitalsOf,
  type Facility,
  type Icd10,
} from '../generator/health';
import type { Person } from '../generator/model';
import { endOf } from '../generator/people';
import type { Rng } from '../generator/prng';
import type { SourceSeed } from '../generator/source';
import { treatmentEpisodes, withPregnancyTetanus } from '../generator/sources-2025';
import {
  HEALTH_RECORD_COLLECTION,
  HEALTH_RECORD_DB,
  type EhrEncounter,
  type EhrImmunization,
  type HealthBookDoc,
} from '../../connectors/health-record/model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;

export { HEALTH_RECORD_COLLECTION, HEALTH_RECORD_DB };

const WINDOW_START = day(2019, 1, 1);
const EPI_FROM = day(2010, 1, 1);
const COVID_START = day(2021, 7, 1);

interface Visit {
  date: Day;
  facility: Facility;
  diagnoses: Icd10[];
  treatment: string;
}

const COVID_FIRST_CASE = day(2020, 1, 23);

/** An acute diagnosis plausible on that date (no COVID-19 before the first case in Vietnam). */
function pickAcute(r: Rng, g: ReturnType<typeof ageGroup>, sex: Person['sex'], on: Day): Icd10 {
  for (;;) {
    const dx = r.pickW(ACUTE_TABLES[g][sex]);
    if (dx.code !== 'U07.1' || on >= COVID_FIRST_CASE) return dx;
  }
}

function facilityFor(p: Person, r: Rng, preferHospital: boolean): Facility {
  const place = p.temporary && r.chance(0.3) ? p.temporary : p.household.place;
  if (!preferHospital && r.chance(0.5)) return communeStation(place.commune.code);
  return r.pick(hospitalsOf(place.province.code));
}

type Chronic = Icd10 & { since: Day };
type Immunization = { vaccine: string; date: Day; dose: number };

function build(p: Person, r: Rng): HealthBookDoc {
  const end = endOf(p);
  const age = ageOn(p.birth, end);
  const from = M.max(p.birth, WINDOW_START);
  const sex = p.sex;

  const bloodType = r.chance(0.88) ? r.pickW(BLOOD_TYPES) : null;
  const allergies = allergiesOf(r);
  const chronic = chronicConditions(p, r, age, end);
  const visits = from < end ? visitsOf(p, r, chronic, { from, end, age }) : [];
  visits.sort((a, b) => b.date - a.date);
  const encounters: EhrEncounter[] = visits.slice(0, 12).map((v) => ({
    date: isoDate(v.date),
    facility: { code: v.facility.code, name: v.facility.name },
    diagnoses: v.diagnoses.map((d) => ({ code: d.code, display: d.display })),
    treatment: v.treatment,
  }));

  const imm = immunizationsOf(p, r, end);
  imm.sort((a, b) => a.date - b.date);
  const immunizations: EhrImmunization[] = imm.map((i) => ({
    vaccine: i.vaccine,
    date: isoDate(i.date),
    dose: i.dose,
  }));

  const latest = M.max(visits.length ? visits[0].date : 0, imm.length ? imm[imm.length - 1].date : 0, p.registeredDay);
  const doc: HealthBookDoc = {
    _id: p.id,
    patient: { name: p.fullName, birthDate: isoDate(p.birth), gender: sex === 'M' ? 'male' : 'female' },
    bloodType,
    allergies,
    chronicConditions: chronic.map((c) => ({ code: c.code, display: c.display, since: isoDate(c.since) })),
    encounters,
    immunizations,
    lastUpdated: isoDateTimeVn(M.min(TODAY - 1, latest + r.int(0, 3)), officeSeconds(r)),
  };
  doc.episodes = treatmentEpisodes(visits, p, r, end);
  doc.immunizations = withPregnancyTetanus(doc.immunizations, p, r, end);
  return doc;
}

function allergiesOf(r: Rng): string[] {
  const allergies: string[] = [];
  const ax = r.next();
  if (ax < 0.1) {
    allergies.push(r.pickW(ALLERGIES));
    if (ax < 0.02) {
      const second = r.pickW(ALLERGIES);
      if (second !== allergies[0]) allergies.push(second);
    }
  }
  return allergies;
}

/** Chronic conditions: rare in children, more frequent with age. */
function chronicConditions(p: Person, r: Rng, age: number, end: Day): Chronic[] {
  const chronic: Chronic[] = [];
  if (age < 15) {
    if (r.chance(0.03))
      chronic.push({ ...CHILD_CHRONIC, since: M.min(end, p.birth + r.int(365, M.max(366, age * 365))) });
  } else {
    const lambda = age < 30 ? 0.03 : age < 40 ? 0.08 : age < 50 ? 0.2 : age < 60 ? 0.45 : age < 70 ? 0.9 : 1.3;
    let n = 0;
    for (let i = 0; i < 4; i++) if (r.chance(lambda / (i + 1.5))) n++;
    const table = CHRONIC_TABLES[ageGroup(age)][p.sex];
    for (let i = 0; i < n; i++) {
      const c = r.pickW(table);
      if (chronic.some((x) => x.code === c.code)) continue;
      const earliest = M.max(p.birth + 18 * 365, end - 20 * 365);
      chronic.push({ ...c, since: r.int(M.min(earliest, end - 90), end - 90) });
    }
  }
  return chronic;
}

/** Visits in the window: acute ones, follow-ups of chronic conditions, pregnancies and births. */
function visitsOf(p: Person, r: Rng, chronic: Chronic[], at: { from: Day; end: Day; age: number }): Visit[] {
  const { from, end, age } = at;
  const sex = p.sex;
  const visits: Visit[] = [];
  const base = age < 6 ? r.int(1, 6) : age < 15 ? r.int(0, 4) : age < 60 ? r.int(0, 3) : r.int(1, 5);
  for (let i = 0; i < base; i++) {
    const d = r.int(from, end);
    const g = ageGroup(ageOn(p.birth, d));
    const dx = pickAcute(r, g, sex, d);
    const diagnoses = [dx];
    if (r.chance(0.1)) {
      const second = pickAcute(r, g, sex, d);
      if (second.code !== dx.code) diagnoses.push(second);
    }
    const special = TREATMENTS_SPECIAL[dx.code];
    visits.push({
      date: d,
      facility: facilityFor(p, r, dx.code === 'O80' || dx.code === 'K35.8'),
      diagnoses,
      treatment: special ?? r.pick(TREATMENTS_ACUTE),
    });
  }
  for (const c of chronic) {
    const lo = M.max(c.since, from);
    if (lo >= end) continue;
    const k = r.int(1, 4);
    for (let i = 0; i < k; i++) {
      visits.push({
        date: r.int(lo, end),
        facility: facilityFor(p, r, r.chance(0.5)),
        diagnoses: [{ code: c.code, display: c.display }],
        treatment: r.pick(TREATMENTS_CHRONIC),
      });
    }
  }
  if (sex === 'F') {
    for (const child of p.household.members) {
      if (child.mother?.person !== p || child.birth < from || child.birth > end) continue;
      const hospital = facilityFor(p, r, true);
      const checkup = child.birth - r.int(60, 200);
      if (checkup >= from) {
        visits.push({
          date: checkup,
          facility: facilityFor(p, r, false),
          diagnoses: [{ code: 'Z34.9', display: 'Theo dõi thai bình thường' }],
          treatment: TREATMENTS_SPECIAL['Z34.9'],
        });
      }
      visits.push({
        date: child.birth,
        facility: hospital,
        diagnoses: [{ code: 'O80', display: 'Đẻ thường một thai' }],
        treatment: TREATMENTS_SPECIAL.O80,
      });
    }
  }
  return visits;
}

/** The expanded programme's vaccines (born 2010 or later) and the COVID-19 campaign. */
function immunizationsOf(p: Person, r: Rng, end: Day): Immunization[] {
  const imm: Immunization[] = [];
  if (p.birth >= EPI_FROM) {
    for (const [vaccine, dose, at] of EPI_SCHEDULE) {
      const d = p.birth + at + r.int(0, 25);
      if (d <= end && d < TODAY && r.chance(0.93)) imm.push({ vaccine, date: d, dose });
    }
  }
  const ageAtCovid = ageOn(p.birth, COVID_START);
  if (ageAtCovid >= 12 && end > COVID_START + 150 && r.chance(0.85)) {
    const doses = r.chance(0.4) ? 2 : r.chance(0.83) ? 3 : 4;
    const primary = r.pick(COVID_VACCINES);
    let d = COVID_START + r.int(0, 150);
    for (let k = 1; k <= doses && d <= end; k++) {
      imm.push({
        vaccine: k <= 2 ? primary : r.pick(['COVID-19 (Pfizer-BioNTech)', 'COVID-19 (Moderna)']),
        date: d,
        dose: k,
      });
      d += k === 1 ? r.int(28, 84) : r.int(120, 240);
    }
  }
  return imm;
}

export const healthRecordSeed: SourceSeed<HealthBookDoc> = {
  source: 'healthRecord',
  db: HEALTH_RECORD_DB,
  collection: HEALTH_RECORD_COLLECTION,
  covers: (_p, r) => r.chance(0.85),
  build,
  upperName: false,
  formatOnly: true,
  conventionalName: (n) => n.normalize('NFC'),
  getName: (d) => d.patient.name,
  setName: (d, v) => {
    d.patient.name = v;
  },
  getDob: (d) => d.patient.birthDate,
  setDob: (d, dn) => {
    d.patient.birthDate = isoDate(dn);
  },
  getSex: (d) => d.patient.gender,
  setSex: (d, s) => {
    d.patient.gender = s === 'M' ? 'male' : 'female';
  },
};
