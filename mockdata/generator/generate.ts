/**
 * The generator core: household by household, it builds every person's population
 * record, the records of the other four sources, the e-identity account, and
 * injects data defects at the configured rates, writing their exact ground truth.
 *
 * Pure and deterministic: the same options give the same documents, byte for
 * byte, whatever the chunk size. Each person's records are drawn from streams
 * derived from (seed, purpose, person index), so changing one source's generator
 * does not reshuffle the others.
 */
import type { AccountDoc } from '../../services/accounts/store';
import { DEFECT_KINDS, type DefectKind, type SeedDefectDoc, type SourceName } from '../seed-meta';
import type { GplxDoc } from '../../connectors/driving-licence/model';
import { drivingLicenceSeed } from '../seed/driving-licence';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import { healthInsuranceSeed } from '../seed/health-insurance';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import { healthRecordSeed } from '../seed/health-record';
import type { CongDanDoc } from '../../connectors/population/model';
import { buildCongDan, buildPopulationDuplicate } from '../seed/population';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import { socialInsuranceSeed, workProfile } from '../seed/social-insurance';
import { buildAccount } from './accounts';
import { TODAY, addYears, isoDate, ymd, day as mkDay, type Day } from './dates';
import { fullName, mismatchName } from './names';
import { Registry, generateHousehold, type Person } from './people';
import { Rng, weighted } from './prng';
import type { BuildContext, SourceSeed } from './source';
import { NAME_VARIANTS, applyNameVariant, type NameVariant } from './text';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const Str = String;
const isInt = Number.isInteger;
const Num = Number;

/**
 * Default defect rates. Each rate is a probability per record of its basis:
 * - FORMAT_ONLY, MISMATCH, DUPLICATE: per normal record of a person in a non-population source
 *   (FORMAT_ONLY not in social insurance, whose convention is already upper case without diacritics);
 * - OLD_ID_KEY: per normal record of a person who has an old 9-digit CMND;
 * - DECEASED_ACTIVE: per record of a deceased person in driving licence / health insurance;
 * - ORPHAN: orphan records per normal record of the source;
 * - DUPLICATE in population: per living person;
 * - EXPIRED_ID_CARD: per living person with a card that has expired by today (who did not renew).
 * - MALFORMED: per record of a person in any source, the population included; a field the
 *   reconciliation reads is made unreadable (null, missing, a number, empty, oversized, a control
 *   character, an unknown code, a date that is none). Only records with no other defect (and, in
 *   the population, people with no defect anywhere), so that no other finding depends on it. 0 by
 *   default (the test data sets, which pick citizens by their records, stay clean); the demo seed
 *   (`npm start`, `npm run seed`) uses {@link DEMO_MALFORMED_RATE}; the bench and the detection
 *   tests raise it. The API answers such a field null with SOURCE_DATA_INVALID (connectors/fields.ts).
 * For one record the kinds FORMAT_ONLY, MISMATCH, OLD_ID_KEY, DUPLICATE, DECEASED_ACTIVE exclude each other.
 */
export const DEFAULT_DEFECT_RATES: Record<DefectKind, number> = {
  FORMAT_ONLY: 0.03,
  MISMATCH: 0.015,
  OLD_ID_KEY: 0.02,
  ORPHAN: 0.01,
  DUPLICATE: 0.01,
  DECEASED_ACTIVE: 0.1,
  EXPIRED_ID_CARD: 0.02,
  MALFORMED: 0,
};

/** MALFORMED rate of the demo seed: about 1 record in 700, a realistic share of dirty records. */
export const DEMO_MALFORMED_RATE = 0.0015;

/** Where each source keeps the identity fields a MALFORMED defect makes unreadable. */
const IDENTITY_FIELDS: Record<SourceName, { holder: string | null; name: string; dob: string; sex: string }> = {
  population: { holder: null, name: 'hoTen', dob: 'ngaySinh', sex: 'gioiTinh' },
  drivingLicence: { holder: 'holder', name: 'name', dob: 'birth', sex: 'gender' },
  healthInsurance: { holder: null, name: 'HO_TEN', dob: 'NGAY_SINH', sex: 'GIOI_TINH' },
  socialInsurance: { holder: null, name: 'hoTen', dob: 'ngaySinh', sex: 'gioiTinh' },
  healthRecord: { holder: 'patient', name: 'name', dob: 'birthDate', sex: 'gender' },
};

/** A bad value and the problem reconciliation must name (`undefined`: the field is removed). */
type BadValue = readonly [problem: string, value: (v: unknown) => unknown];

const BAD_TEXT: readonly BadValue[] = [
  ['NULL', () => null],
  ['MISSING', () => undefined],
  ['WRONG_TYPE', () => 12345],
  ['EMPTY', () => '  '],
  ['OVERSIZED', (v) => Str(v).padEnd(101, 'A')],
  ['CONTROL_CHARACTERS', (v) => Str(v).slice(0, 3) + '\u0000' + Str(v).slice(3)],
];
const BAD_DATE: readonly BadValue[] = [...BAD_TEXT.slice(0, 4), ['BAD_FORMAT', () => '31/02/1990']];
const BAD_SEX: readonly BadValue[] = [
  ['NULL', () => null],
  ['WRONG_TYPE', () => true],
  ['UNKNOWN_CODE', () => 'X'],
];

/**
 * Makes one identity field of `doc` unreadable (or, `holder`: the identity sub-document, or the
 * population's commune) and returns the ground truth's field and problem.
 */
function malform(r: Rng, source: SourceName, doc: Record<string, unknown>): { field: string; problem: string } {
  const f = IDENTITY_FIELDS[source];
  const x = r.next();
  if (f.holder && x < 0.1) {
    delete doc[f.holder];
    return { field: f.holder, problem: 'MISSING' };
  }
  if (source === 'population' && x < 0.15) {
    delete (doc.noiThuongTru as Record<string, unknown>).xa;
    return { field: 'noiThuongTru.xa', problem: 'MISSING' };
  }
  const holder = (f.holder ? doc[f.holder] : doc) as Record<string, unknown>;
  const [key, table] = x < 0.55 ? [f.name, BAD_TEXT] : x < 0.8 ? [f.dob, BAD_DATE] : [f.sex, BAD_SEX];
  const [problem, make] = r.pick(table);
  const value = make(holder[key]);
  if (value === undefined) delete holder[key];
  else holder[key] = value;
  return { field: f.holder ? `${f.holder}.${key}` : key, problem };
}

export type CollectionKey =
  'population' | 'drivingLicence' | 'healthInsurance' | 'socialInsurance' | 'healthRecord' | 'accounts';

export const COLLECTION_KEYS: readonly CollectionKey[] = [
  'population',
  'drivingLicence',
  'healthInsurance',
  'socialInsurance',
  'healthRecord',
  'accounts',
];

export interface GeneratedChunk {
  population: CongDanDoc[];
  drivingLicence: GplxDoc[];
  healthInsurance: TheBhytDoc[];
  socialInsurance: SoBhxhDoc[];
  healthRecord: HealthBookDoc[];
  accounts: AccountDoc[];
  defects: SeedDefectDoc[];
  /** Citizens generated so far (cumulative). */
  citizens: number;
  households: number;
}

export interface GenerateOptions {
  citizens: number;
  seed: number;
  rates?: Partial<Record<DefectKind, number>>;
  /** Households per yielded chunk. Default 1000. Does not change the output. */
  householdsPerChunk?: number;
}

/** Any source's seed (its methods take the record as they built it: method parameters are bivariant). */
type AnySourceSeed = SourceSeed<{ _id: string }>;

/** The four non-population sources in generation order. */
export const SOURCE_SEEDS: readonly AnySourceSeed[] = [
  drivingLicenceSeed,
  healthInsuranceSeed,
  socialInsuranceSeed,
  healthRecordSeed,
];

export function resolveRates(rates?: Partial<Record<DefectKind, number>>): Record<DefectKind, number> {
  const out = { ...DEFAULT_DEFECT_RATES };
  for (const [k, v] of Object.entries(rates ?? {})) {
    if (!DEFECT_KINDS.includes(k as DefectKind)) throw new Error(`unknown defect kind ${k}`);
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`defect rate ${k} must be in [0, 1], got ${v}`);
    out[k as DefectKind] = v;
  }
  const exclusive = out.FORMAT_ONLY + out.MISMATCH + out.OLD_ID_KEY + out.DUPLICATE + out.DECEASED_ACTIVE;
  if (exclusive > 1)
    throw new Error(
      `FORMAT_ONLY + MISMATCH + OLD_ID_KEY + DUPLICATE + DECEASED_ACTIVE must not exceed 1 (got ${exclusive})`,
    );
  return out;
}

export function defectId(source: SourceName, recordKey: string, kind: DefectKind, field?: string): string {
  return `${source}:${recordKey}:${kind}:${field ?? ''}`;
}

const TODAY_ISO = isoDate(TODAY);

const VARIANT_WEIGHT: Record<NameVariant, number> = {
  UPPER_CASE: 1,
  NO_DIACRITICS: 1,
  NFD: 1,
  OLD_TONE_MARK: 4,
  D_FOR_DD: 2,
};

/** A wrong date of birth: day and month swapped, another year, or a few days off. */
function mismatchDob(r: Rng, birth: Day): Day {
  for (let i = 0; i < 20; i++) {
    const { y, m, d } = ymd(birth);
    const x = r.next();
    let cand: Day;
    if (x < 0.3 && d <= 12 && d !== m) cand = mkDay(y, d, m);
    else if (x < 0.65) cand = addYears(birth, r.chance(0.5) ? r.int(1, 3) : -r.int(1, 3));
    else cand = birth + (r.chance(0.5) ? 1 : -1) * r.int(1, 20);
    if (cand !== birth && cand < TODAY && ymd(cand).y >= 1920) return cand;
  }
  return birth - 1;
}

/** A 12-digit key one digit away from `id` (in the random part), reserved so no person gets it. */
function typoId(r: Rng, reg: Registry, id: string): string {
  for (;;) {
    const pos = 6 + r.int(0, 5);
    const digit = Str((Num(id[pos]) + r.int(1, 9)) % 10);
    const cand = id.slice(0, pos) + digit + id.slice(pos + 1);
    if (reg.reserve(cand)) return cand;
  }
}

class DataGenerator {
  readonly reg = new Registry();
  readonly seq = { persons: 0, households: 0 };
  readonly phantomSeq = { persons: 0, households: 0 };
  readonly hhRng: Rng;
  readonly ctx: BuildContext;
  private orphanCount = 0;

  constructor(
    readonly seed: number,
    readonly rates: Record<DefectKind, number>,
  ) {
    this.hhRng = new Rng(seed, 'households');
    const reg = this.reg;
    this.ctx = {
      reg,
      bhxhCode(p: Person): string {
        if (!p.bhxhCode) {
          const r = new Rng(seed, 'bhxh-code', p.id);
          const prefix = p.household.place.province.code;
          p.bhxhCode = reg.unique(reg.bhxhCodes, () => prefix + r.digits(8));
        }
        return p.bhxhCode;
      },
    };
  }

  household(maxMembers: number, out: GeneratedChunk): number {
    const hh = generateHousehold(this.hhRng, this.reg, this.seq, maxMembers, {
      expiredCardRate: this.rates.EXPIRED_ID_CARD,
    });
    for (const p of hh.members) this.person(p, out);
    return hh.members.length;
  }

  private defect(out: GeneratedChunk, row: Omit<SeedDefectDoc, '_id'>): void {
    const doc: SeedDefectDoc = { _id: defectId(row.source, row.recordKey, row.kind, row.field), ...row };
    out.defects.push(doc);
  }

  private person(p: Person, out: GeneratedChunk): void {
    p.work = workProfile(p, new Rng(this.seed, 'work', p.idx));

    // Population.
    const rp = new Rng(this.seed, 'population', p.idx);
    const pop = buildCongDan(p, rp);
    out.population.push(pop);
    const card = pop.theCanCuoc;
    if (pop.trangThai === 'CON_SONG' && card?.ngayHetHan && card.ngayHetHan < TODAY_ISO) {
      this.defect(out, {
        source: 'population',
        recordKey: pop._id,
        personalId: p.id,
        kind: 'EXPIRED_ID_CARD',
        sourceValue: card.ngayHetHan,
      });
    }
    if (p.death === null) {
      const rd = new Rng(this.seed, 'defect', 'population', p.idx);
      if (rd.next() < this.rates.DUPLICATE) {
        const year = ymd(p.birth).y;
        const dupId = this.reg.personalId(rd, p.birthOld.idCode, p.sex, year);
        const hhNo = `${p.household.place.province.code}${Str(++this.seq.households).padStart(8, '0')}`;
        out.population.push(buildPopulationDuplicate(pop, p, dupId, hhNo, rd));
        this.defect(out, { source: 'population', recordKey: dupId, personalId: p.id, kind: 'DUPLICATE' });
      }
    }

    // The other sources.
    for (const s of SOURCE_SEEDS) {
      const r = new Rng(this.seed, s.source, p.idx);
      if (!s.covers(p, r)) continue;
      const doc = s.build(p, r, this.ctx);
      this.injectDefects(s, doc, p, out);
      const ro = new Rng(this.seed, 'orphan', s.source, p.idx);
      if (ro.next() < this.rates.ORPHAN) this.orphan(s, ro, out);
    }

    // A population record made unreadable: only of people with no defect anywhere (none depends on it).
    const rm = new Rng(this.seed, 'malformed', 'population', p.idx);
    if (rm.next() < this.rates.MALFORMED && !out.defects.some((d) => d.personalId === p.id)) {
      const { field, problem } = malform(rm, 'population', pop as unknown as Record<string, unknown>);
      this.defect(out, {
        source: 'population',
        recordKey: pop._id,
        personalId: p.id,
        kind: 'MALFORMED',
        field,
        sourceValue: problem,
      });
    }

    const acc = buildAccount(p, new Rng(this.seed, 'account', p.idx));
    if (acc) out.accounts.push(acc);
  }

  private injectDefects(s: AnySourceSeed, doc: { _id: string }, p: Person, out: GeneratedChunk): void {
    const list = out[s.source as Exclude<SourceName, 'population'>] as Array<{ _id: string }>;
    const rd = new Rng(this.seed, 'defect', s.source, p.idx);
    const u = rd.next();
    const slots: DefectKind[] = [];
    if (s.makeActive) slots.push('DECEASED_ACTIVE');
    if (s.formatOnly) slots.push('FORMAT_ONLY');
    slots.push('MISMATCH', 'OLD_ID_KEY', 'DUPLICATE');
    let chosen: DefectKind | null = null;
    let acc = 0;
    for (const k of slots) {
      acc += this.rates[k];
      if (u < acc) {
        chosen = k;
        break;
      }
    }
    let duplicate: { _id: string } | null = null;
    switch (chosen) {
      case 'DECEASED_ACTIVE':
        if (p.death !== null) s.makeActive!(doc, p, rd);
        break;
      case 'FORMAT_ONLY': {
        const conv = s.getName(doc);
        const options = NAME_VARIANTS.map((v) => [v, applyNameVariant(conv, v, s.upperName)] as const).filter(
          (x): x is readonly [(typeof x)[0], string] => x[1] !== null,
        );
        if (options.length > 0) {
          // The rarer forms get more weight so that every variant is well represented.
          const [variant, value] = rd.pickW(weighted(options.map((o) => [o, VARIANT_WEIGHT[o[0]]] as const)));
          s.setName(doc, value);
          this.defect(out, {
            source: s.source,
            recordKey: doc._id,
            personalId: p.id,
            kind: 'FORMAT_ONLY',
            field: 'fullName',
            variant,
            sourceValue: value,
            trueValue: p.fullName,
          });
        }
        break;
      }
      case 'MISMATCH': {
        const f = rd.next();
        if (f < 0.5) {
          const other = s.conventionalName(fullName(mismatchName(rd, p.name, p.sex, ymd(p.birth).y)));
          s.setName(doc, other);
          this.defect(out, {
            source: s.source,
            recordKey: doc._id,
            personalId: p.id,
            kind: 'MISMATCH',
            field: 'fullName',
            sourceValue: other,
            trueValue: p.fullName,
          });
        } else if (f < 0.85) {
          s.setDob(doc, mismatchDob(rd, p.birth));
          this.defect(out, {
            source: s.source,
            recordKey: doc._id,
            personalId: p.id,
            kind: 'MISMATCH',
            field: 'dateOfBirth',
            sourceValue: s.getDob(doc),
            trueValue: isoDate(p.birth),
          });
        } else {
          s.setSex(doc, p.sex === 'M' ? 'F' : 'M');
          this.defect(out, {
            source: s.source,
            recordKey: doc._id,
            personalId: p.id,
            kind: 'MISMATCH',
            field: 'sex',
            sourceValue: s.getSex(doc),
            trueValue: p.sex === 'M' ? 'Nam' : 'Nữ',
          });
        }
        break;
      }
      case 'OLD_ID_KEY':
        if (p.cmnd) {
          doc._id = p.cmnd;
          this.defect(out, { source: s.source, recordKey: p.cmnd, personalId: p.id, kind: 'OLD_ID_KEY' });
        }
        break;
      case 'DUPLICATE': {
        duplicate = structuredClone(doc);
        duplicate._id = typoId(rd, this.reg, p.id);
        this.defect(out, { source: s.source, recordKey: duplicate._id, personalId: p.id, kind: 'DUPLICATE' });
        break;
      }
      default:
        break;
    }
    list.push(doc);
    if (duplicate) list.push(duplicate);
    const rm = new Rng(this.seed, 'malformed', s.source, p.idx);
    const malformed = chosen === null && rm.next() < this.rates.MALFORMED;
    // Ground truth of DECEASED_ACTIVE is read off the records themselves, so it is exact.
    if (s.isDeceasedActive && p.death !== null) {
      for (const d of duplicate ? [doc, duplicate] : [doc]) {
        if (s.isDeceasedActive(d, p)) {
          this.defect(out, {
            source: s.source,
            recordKey: d._id,
            personalId: p.id,
            kind: 'DECEASED_ACTIVE',
            trueValue: isoDate(p.death),
          });
        }
      }
    }
    // Made unreadable after the ground truth above was read off the record (validity is untouched).
    if (malformed) {
      const { field, problem } = malform(rm, s.source, doc);
      this.defect(out, {
        source: s.source,
        recordKey: doc._id,
        personalId: p.id,
        kind: 'MALFORMED',
        field,
        sourceValue: problem,
      });
    }
  }

  private orphan(s: AnySourceSeed, r: Rng, out: GeneratedChunk): void {
    const list = out[s.source as Exclude<SourceName, 'population'>] as Array<{ _id: string }>;
    const hh = generateHousehold(r, this.reg, this.phantomSeq, 1, { expiredCardRate: 0 }, true);
    const ph = hh.members[0];
    ph.idx = -1 - this.orphanCount++;
    ph.death = null;
    ph.work = workProfile(ph, r) ?? 'FORMER';
    const doc = s.build(ph, r, this.ctx);
    list.push(doc);
    this.defect(out, { source: s.source, recordKey: doc._id, personalId: null, kind: 'ORPHAN' });
  }
}

function emptyChunk(): GeneratedChunk {
  return {
    population: [],
    drivingLicence: [],
    healthInsurance: [],
    socialInsurance: [],
    healthRecord: [],
    accounts: [],
    defects: [],
    citizens: 0,
    households: 0,
  };
}

/** Generates the data set in chunks of households (bounded memory). */
export function* generate(opts: GenerateOptions): Generator<GeneratedChunk, void, void> {
  if (!isInt(opts.citizens) || opts.citizens < 0)
    throw new Error(`citizens must be a non-negative integer, got ${opts.citizens}`);
  if (!isInt(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const rates = resolveRates(opts.rates);
  const per = opts.householdsPerChunk ?? 1000;
  const g = new DataGenerator(opts.seed, rates);
  let made = 0;
  while (made < opts.citizens) {
    const out = emptyChunk();
    for (let h = 0; h < per && made < opts.citizens; h++) made += g.household(opts.citizens - made, out);
    out.citizens = made;
    out.households = g.seq.households;
    yield out;
  }
}

/** Whole data set in memory (tests, small sizes). */
export function generateAll(
  opts: GenerateOptions,
): Omit<GeneratedChunk, 'citizens' | 'households'> & { citizens: number } {
  const all = emptyChunk();
  for (const c of generate(opts)) {
    for (const k of [...COLLECTION_KEYS, 'defects'] as const) (all[k] as unknown[]).push(...(c[k] as unknown[]));
    all.citizens = c.citizens;
    all.households = c.households;
  }
  return all;
}
