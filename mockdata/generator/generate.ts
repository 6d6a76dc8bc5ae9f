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
import type { DefectKind, SeedDefectDoc, SourceName } from '../seed-meta';
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
import { TODAY, isoDate, ymd } from './dates';
import { defectId, formatOnlyDefect, malform, mismatchDefect, resolveRates, typoId, type DefectRow } from './defects';
import { isForeignHousehold, makeForeign, residenceCardValid } from './foreigners';
import { generateHousehold } from './household';
import { firstCode } from './sources-2025';
import type { Person } from './model';
import { Registry } from './people';
import { Rng } from './prng';
import type { AnySourceSeed, BuildContext } from './source';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const Str = String;
const isInt = Number.isInteger;

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

/** The four non-population sources in generation order. */
export const SOURCE_SEEDS: readonly AnySourceSeed[] = [
  drivingLicenceSeed,
  healthInsuranceSeed,
  socialInsuranceSeed,
  healthRecordSeed,
];

const TODAY_ISO = isoDate(TODAY);

class DataGenerator {
  readonly reg = new Registry();
  readonly seq = { persons: 0, households: 0 };
  readonly phantomSeq = { persons: 0, households: 0 };
  readonly hhRng: Rng;
  readonly ctx: BuildContext;
  private orphanCount = 0;
  private readonly residenceCardNos = new Set<string>();

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
          // A child born since 1 August 2025 is registered under the personal ID (sources-2025.ts).
          p.bhxhCode = firstCode(p, p.birth, () => reg.unique(reg.bhxhCodes, () => prefix + r.digits(8)));
        }
        return p.bhxhCode;
      },
    };
  }

  household(maxMembers: number, out: GeneratedChunk): number {
    const hh = generateHousehold(this.hhRng, this.reg, this.seq, maxMembers, {
      expiredCardRate: this.rates.EXPIRED_ID_CARD,
    });
    if (isForeignHousehold(this.seed, hh)) makeForeign(this.seed, hh, this.residenceCardNos);
    for (const p of hh.members) this.person(p, out);
    return hh.members.length;
  }

  private defect(out: GeneratedChunk, row: DefectRow): void {
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

    // A foreigner has an account only with a valid residence card (Decree 69/2024 Art. 7).
    const acc = p.nationality && !residenceCardValid(p) ? null : buildAccount(p, new Rng(this.seed, 'account', p.idx));
    if (acc && p.nationality) {
      // The report group of a foreigner's registration (services/accounts/store.ts).
      acc.groups = ['FOREIGNER'];
      acc.history[0].groups = ['FOREIGNER'];
    }
    if (acc) out.accounts.push(acc);
  }

  /**
   * Draws at most one of the kinds that exclude each other (DECEASED_ACTIVE, FORMAT_ONLY,
   * MISMATCH, OLD_ID_KEY, DUPLICATE) for the record and applies it, then reads the ground truth
   * of DECEASED_ACTIVE off the record(s), then maybe makes an untouched record MALFORMED.
   */
  private injectDefects(s: AnySourceSeed, doc: { _id: string }, p: Person, out: GeneratedChunk): void {
    const list = out[s.source as Exclude<SourceName, 'population'>] as Array<{ _id: string }>;
    const rd = new Rng(this.seed, 'defect', s.source, p.idx);
    const chosen = this.chooseDefect(s, rd.next());
    let duplicate: { _id: string } | null = null;
    switch (chosen) {
      case 'DECEASED_ACTIVE':
        if (p.death !== null) s.makeActive!(doc, p, rd);
        break;
      case 'FORMAT_ONLY': {
        const row = formatOnlyDefect(s, doc, p, rd);
        if (row) this.defect(out, row);
        break;
      }
      case 'MISMATCH':
        this.defect(out, s.mismatch?.(doc, p, rd, this.reg) ?? mismatchDefect(s, doc, p, rd));
        break;
      case 'OLD_ID_KEY': {
        const oldKey = p.cmnd ?? s.olderKey?.(doc) ?? null;
        if (oldKey) {
          doc._id = oldKey;
          this.defect(out, { source: s.source, recordKey: oldKey, personalId: p.id, kind: 'OLD_ID_KEY' });
        }
        break;
      }
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

  /** The exclusive kind whose slot of [0, 1) the draw `u` falls in, or null. */
  private chooseDefect(s: AnySourceSeed, u: number): DefectKind | null {
    const slots: DefectKind[] = [];
    if (s.makeActive) slots.push('DECEASED_ACTIVE');
    if (s.formatOnly) slots.push('FORMAT_ONLY');
    slots.push('MISMATCH', 'OLD_ID_KEY', 'DUPLICATE');
    let acc = 0;
    for (const k of slots) {
      acc += this.rates[k];
      if (u < acc) return k;
    }
    return null;
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
