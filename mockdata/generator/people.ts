/**
 * The generator's own model of people and households (the "truth" every source
 * document is derived from), and household-by-household generation: a head, maybe
 * a spouse, children, sometimes grandparents, linked by personal ID.
 */
import {
  OLD_PROVINCE_WEIGHTS,
  PROVINCE_WEIGHTS,
  PROVINCES,
  STREETS,
  communeTable,
  type Commune,
  type LegacyCommune,
  type OldProvince,
  type Province,
} from './areas';
import { TODAY, addYears, ageOn, birthday, day, yearOf, type Day } from './dates';
import { fullName, makeName, pickSurname, type PersonName, type Region, type Sex } from './names';
import { Rng, weighted, type WeightedTable } from './prng';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Str = String;

export type CardKind = 'CMND' | 'CCCD' | 'CCCD_GAN_CHIP' | 'THE_CAN_CUOC';

export interface IdCard {
  loai: CardKind;
  so: string;
  ngayCap: Day;
  ngayHetHan: Day | null;
  noiCap: string;
}

export interface Place {
  province: Province;
  commune: Commune;
  /** The pre-2025 commune this place belonged to (used when written in the old form). */
  legacy: LegacyCommune;
  chiTiet: string;
}

export interface Household {
  no: string;
  place: Place;
  /** Registered long ago and never rewritten: members registered before the reform keep the old form. */
  legacyAddress: boolean;
  since: Day;
  members: Person[];
  head: Person;
  region: Region;
}

export type WorkKind = 'EMPLOYED' | 'FORMER' | 'VOLUNTARY' | 'RETIRED';

export interface Relative {
  person?: Person; // when in the same household (linked by personal ID)
  name: string;
}

export interface Person {
  idx: number;
  id: string;
  name: PersonName;
  fullName: string;
  sex: Sex;
  birth: Day;
  ethnicity: string;
  religion: string;
  /** Pre-2025 province of birth registration (its 3-digit code starts the personal ID). */
  birthOld: OldProvince;
  household: Household;
  /** Relationship to the head ("Chủ hộ", "Vợ", "Con", "Cháu", ...). */
  relation: string;
  father?: Relative;
  mother?: Relative;
  spouse?: Person;
  /** Children under 14 / wards registered under this person (same household). */
  dependants: Array<{ person: Person; quanHe: 'Con' | 'Người được giám hộ' }>;
  death: Day | null;
  /** Identity documents, oldest first; the last is the current one. */
  cards: IdCard[];
  cmnd: string | null;
  /** Living and at least one of their cards has expired by today (so a late renewal is possible). */
  lateRenewalEligible: boolean;
  /** Current card expired (EXPIRED_ID_CARD). */
  expiredCard: boolean;
  registeredDay: Day;
  legacyAddress: boolean;
  origin: Place;
  temporary?: Place;
  /** A made-up identity for ORPHAN records: not in population. */
  phantom: boolean;
  // Filled by the generator core:
  work: WorkKind | null;
  bhxhCode: string | null;
}

/** The last day a person can be "seen" by an agency: death or today. */
export function endOf(p: Person): Day {
  return p.death ?? TODAY;
}

export function ageAt(p: Person, d: Day): number {
  return ageOn(p.birth, d);
}

export function ageToday(p: Person): number {
  return ageOn(p.birth, TODAY);
}

const CHIP_START = day(2021, 1, 1);
const CCCD_START = day(2016, 1, 1);
const THE_CAN_CUOC_START = day(2024, 7, 1);
/** The two-level local government since 1 July 2025. */
export const REFORM_DAY = day(2025, 7, 1);

const NOI_CAP_CCCD = 'Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư';
const NOI_CAP_CHIP = 'Cục Cảnh sát quản lý hành chính về trật tự xã hội';
const NOI_CAP_TCC = 'Bộ Công an';

/** Identity cards must be renewed at 25, 40, 60 (a card issued within 2 years of a milestone runs to the next). */
export function cardExpiry(birth: Day, issued: Day): Day | null {
  for (const m of [25, 40, 60]) {
    const due = birthday(birth, m);
    if (issued < addYears(due, -2)) return due;
  }
  return null;
}

/** Unique-number registries shared by the whole generation run. */
export class Registry {
  readonly personalIds = new Set<string>();
  readonly cmnds = new Set<string>();
  readonly licenceNos = new Set<string>();
  readonly bhxhCodes = new Set<string>();

  /** 3-digit birth-registration province + sex/century digit + 2-digit year + 6 random digits. */
  personalId(r: Rng, idCode: string, sex: Sex, birthYear: number): string {
    const centuryBase = birthYear >= 2000 ? 2 : 0;
    const prefix = `${idCode}${centuryBase + (sex === 'F' ? 1 : 0)}${Str(birthYear % 100).padStart(2, '0')}`;
    for (;;) {
      const id = prefix + r.digits(6);
      if (!this.personalIds.has(id)) {
        this.personalIds.add(id);
        return id;
      }
    }
  }

  /** Reserves a key so that no later person can take it (orphans, duplicates). */
  reserve(id: string): boolean {
    if (this.personalIds.has(id)) return false;
    this.personalIds.add(id);
    return true;
  }

  cmnd(r: Rng): string {
    for (;;) {
      const n = Str(r.int(0, 3)) + r.digits(8);
      if (!this.cmnds.has(n)) {
        this.cmnds.add(n);
        return n;
      }
    }
  }

  unique(set: Set<string>, make: () => string): string {
    for (;;) {
      const n = make();
      if (!set.has(n)) {
        set.add(n);
        return n;
      }
    }
  }
}

const ETHNIC_TABLES = new Map<string, WeightedTable<string>>(PROVINCES.map((p) => [p.code, weighted(p.ethnicities)]));

function religionFor(r: Rng, ethnicity: string, region: Region): string {
  if (ethnicity === 'Khmer') return r.chance(0.93) ? 'Phật giáo' : 'Không';
  if (ethnicity === "H'Mông" || ethnicity === 'Ê Đê' || ethnicity === 'Gia Rai')
    return r.chance(0.25) ? 'Tin Lành' : 'Không';
  if (ethnicity === 'Chăm') return r.chance(0.6) ? 'Hồi giáo' : 'Bà La Môn';
  const x = r.next();
  if (x < 0.11) return 'Phật giáo';
  if (x < 0.18) return 'Công giáo';
  if (x < 0.185) return 'Tin Lành';
  if (region === 'S' && x < 0.2) return 'Cao Đài';
  if (region === 'S' && x < 0.21) return 'Phật giáo Hòa Hảo';
  return 'Không';
}

/** Triangular distribution on [lo, hi] with mode `mode`, rounded down. */
function tri(r: Rng, lo: number, hi: number, mode: number): number {
  const u = r.next();
  const c = (mode - lo) / (hi - lo);
  const x = u < c ? lo + M.sqrt(u * (hi - lo) * (mode - lo)) : hi - M.sqrt((1 - u) * (hi - lo) * (hi - mode));
  return M.min(hi, M.floor(x));
}

function birthForAge(r: Rng, age: number): Day {
  const latest = addYears(TODAY, -age);
  const earliest = addYears(TODAY, -age - 1) + 1;
  return latest - r.int(0, latest - earliest);
}

/** Communes of today's provinces grouped by the pre-2025 province they came from. */
const COMMUNES_BY_OLD = new Map<string, Commune[]>();
for (const p of PROVINCES) {
  for (const c of p.communes) {
    const key = c.legacy[0].oldProvince.idCode;
    const list = COMMUNES_BY_OLD.get(key) ?? [];
    list.push(c);
    COMMUNES_BY_OLD.set(key, list);
  }
}

const PROVINCE_BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

function hamlet(r: Rng, region: Region, ethnicity: string): string {
  const place = r.pick([
    'Đông',
    'Tây',
    'Nam',
    'Bắc',
    'Trung',
    'Thượng',
    'Hạ',
    'Tân Lập',
    'Phú Lộc',
    'An Bình',
    'Hòa Lạc',
    'Thành Công',
    'Đoàn Kết',
    'Quyết Tiến',
  ]);
  const mountain = ethnicity !== 'Kinh' && ethnicity !== 'Hoa' && ethnicity !== 'Khmer' && region !== 'S';
  if (mountain && r.chance(0.6))
    return `Bản ${r.pick(['Nà', 'Pá', 'Huổi', 'Phiêng', 'Nậm', 'Co'])} ${r.pick(['Cang', 'Sản', 'Mò', 'Lếch', 'Vai', 'Khoang', 'Tấu'])}`;
  if (region === 'S') return r.chance(0.5) ? `Ấp ${r.int(1, 9)}` : `Ấp ${place}`;
  return r.chance(0.35) ? `Xóm ${r.int(1, 12)}` : `Thôn ${place}`;
}

function addressLine(r: Rng, c: Commune, region: Region, ethnicity: string): string {
  if (c.kind === 'Phường' || (c.kind === 'Đặc khu' && r.chance(0.5))) {
    const street = r.pick(STREETS);
    const no = r.int(1, 350);
    const x = r.next();
    if (x < 0.35) return `Số ${no} ${street}`;
    if (x < 0.75) return `Số ${r.int(1, 80)}, ${region === 'S' ? 'hẻm' : 'ngõ'} ${no}, ${street}`;
    return `Tổ dân phố ${r.int(1, 25)}, ${street}`;
  }
  return hamlet(r, region, ethnicity);
}

function placeIn(r: Rng, province: Province, commune: Commune, region: Region, ethnicity: string): Place {
  return { province, commune, legacy: r.pick(commune.legacy), chiTiet: addressLine(r, commune, region, ethnicity) };
}

function originPlace(r: Rng, old: OldProvince, region: Region, ethnicity: string): Place {
  const communes = COMMUNES_BY_OLD.get(old.idCode)!;
  const c = r.pick(communes);
  const province = PROVINCE_BY_CODE.get(c.provinceCode)!;
  return {
    province,
    commune: c,
    legacy: r.pick(c.legacy),
    chiTiet: c.kind === 'Xã' ? hamlet(r, region, ethnicity) : '',
  };
}

/** Member draft before names and IDs. */
interface Draft {
  sex: Sex;
  age: number;
  relation: string;
  key: string;
  fatherKey?: string;
  motherKey?: string;
  spouseKey?: string;
  /** Inherits the surname of this member (patriline) instead of drawing one. */
  surnameOf?: string;
  guardianKey?: string; // skip-generation households: the grandparent registered as guardian
}

function childrenAges(r: Rng, motherAge: number, maxKids: number): number[] {
  const first = motherAge - r.int(20, 31);
  const ages: number[] = [];
  let a = first;
  for (let k = 0; k < maxKids && a >= 0; k++) {
    ages.push(a);
    a -= r.int(2, 6);
  }
  return ages;
}

const KIDS_TABLE = weighted<number>([
  [1, 25],
  [2, 50],
  [3, 19],
  [4, 6],
]);

function nuclear(
  r: Rng,
  out: Draft[],
  hAge: number,
  headIsHusband: boolean,
  kidRelation: string,
  prefix: string,
  relHusband?: string,
  relWife?: string,
) {
  const wAge = M.max(19, M.min(95, hAge - r.int(-1, 6)));
  const h: Draft = {
    sex: 'M',
    age: hAge,
    relation: relHusband ?? (headIsHusband ? 'Chủ hộ' : 'Chồng'),
    key: `${prefix}h`,
    spouseKey: `${prefix}w`,
  };
  const w: Draft = {
    sex: 'F',
    age: wAge,
    relation: relWife ?? (headIsHusband ? 'Vợ' : 'Chủ hộ'),
    key: `${prefix}w`,
    spouseKey: `${prefix}h`,
  };
  out.push(h, w);
  const ages = childrenAges(r, wAge, r.pickW(KIDS_TABLE));
  ages.forEach((a, i) => {
    if (a >= 23 && !r.chance(0.35)) return; // grown-up children mostly live elsewhere
    out.push({
      sex: r.chance(0.512) ? 'M' : 'F',
      age: a,
      relation: kidRelation,
      key: `${prefix}c${i}`,
      fatherKey: h.key,
      motherKey: w.key,
      surnameOf: h.key,
    });
  });
}

/** Builds the member drafts of one household. */
function composition(r: Rng): Draft[] {
  const out: Draft[] = [];
  const x = r.next();
  if (x < 0.5) {
    nuclear(r, out, tri(r, 23, 66, 39), r.chance(0.82), 'Con', '');
  } else if (x < 0.65) {
    // three generations: grandparents, a middle couple, their children
    const hAge = tri(r, 25, 56, 34);
    const patrilocal = r.chance(0.8);
    const gfAge = hAge + r.int(22, 34);
    const gmAge = gfAge - r.int(0, 6);
    const which = r.next();
    const withGf = gfAge <= 95 && which < 0.7;
    const withGm = gmAge <= 95 && (which >= 0.15 || !withGf);
    const grandHead = withGf && gfAge <= 78 && r.chance(0.5);
    const childOfGrand = patrilocal ? 'h' : 'w';
    if (grandHead) {
      nuclear(r, out, hAge, true, 'Cháu', '', patrilocal ? 'Con' : 'Con rể', patrilocal ? 'Con dâu' : 'Con');
    } else {
      nuclear(r, out, hAge, true, 'Con', '');
    }
    const child = out.find((d) => d.key === childOfGrand)!;
    if (withGf) {
      out.push({
        sex: 'M',
        age: gfAge,
        relation: grandHead ? 'Chủ hộ' : patrilocal ? 'Cha' : 'Cha vợ',
        key: 'gf',
        spouseKey: withGm ? 'gm' : undefined,
      });
      child.fatherKey = 'gf';
      child.surnameOf = 'gf';
    }
    if (withGm && gmAge >= 19) {
      out.push({
        sex: 'F',
        age: gmAge,
        relation: grandHead ? 'Vợ' : patrilocal ? 'Mẹ' : 'Mẹ vợ',
        key: 'gm',
        spouseKey: withGf ? 'gf' : undefined,
      });
      child.motherKey = 'gm';
    }
  } else if (x < 0.7) {
    const a = tri(r, 21, 36, 27);
    out.push({ sex: 'M', age: a, relation: r.chance(0.85) ? 'Chủ hộ' : 'Chồng', key: 'h', spouseKey: 'w' });
    out.push({
      sex: 'F',
      age: M.max(19, a - r.int(-1, 5)),
      relation: out[0].relation === 'Chủ hộ' ? 'Vợ' : 'Chủ hộ',
      key: 'w',
      spouseKey: 'h',
    });
  } else if (x < 0.78) {
    const a = tri(r, 50, 92, 62);
    out.push({ sex: 'M', age: a, relation: 'Chủ hộ', key: 'h', spouseKey: 'w' });
    out.push({ sex: 'F', age: M.max(45, M.min(95, a - r.int(-1, 6))), relation: 'Vợ', key: 'w', spouseKey: 'h' });
  } else if (x < 0.84) {
    out.push({ sex: r.chance(0.55) ? 'M' : 'F', age: tri(r, 18, 45, 24), relation: 'Chủ hộ', key: 'h' });
  } else if (x < 0.9) {
    out.push({ sex: r.chance(0.3) ? 'M' : 'F', age: tri(r, 58, 96, 72), relation: 'Chủ hộ', key: 'h' });
  } else if (x < 0.96) {
    const mother = r.chance(0.85);
    const pAge = tri(r, 24, 58, 36);
    out.push({ sex: mother ? 'F' : 'M', age: pAge, relation: 'Chủ hộ', key: 'p' });
    const ages = childrenAges(r, mother ? pAge : M.max(20, pAge - r.int(0, 5)), r.chance(0.6) ? 1 : 2);
    ages.forEach((a, i) => {
      if (a >= 23 && !r.chance(0.35)) return;
      out.push({
        sex: r.chance(0.512) ? 'M' : 'F',
        age: a,
        relation: 'Con',
        key: `c${i}`,
        fatherKey: mother ? undefined : 'p',
        motherKey: mother ? 'p' : undefined,
        surnameOf: mother ? undefined : 'p',
      });
    });
  } else {
    // skip generation: grandparent(s) raising grandchildren while the parents work away
    const gmAge = tri(r, 52, 82, 62);
    const withGf = r.chance(0.55);
    out.push({
      sex: 'F',
      age: gmAge,
      relation: withGf ? 'Vợ' : 'Chủ hộ',
      key: 'gm',
      spouseKey: withGf ? 'gf' : undefined,
    });
    if (withGf)
      out.push({ sex: 'M', age: M.min(95, gmAge + r.int(0, 6)), relation: 'Chủ hộ', key: 'gf', spouseKey: 'gm' });
    const guardian = withGf ? 'gf' : 'gm';
    const n = r.int(1, 3);
    let a = r.int(2, 13);
    for (let i = 0; i < n && a >= 0; i++) {
      out.push({
        sex: r.chance(0.512) ? 'M' : 'F',
        age: a,
        relation: 'Cháu',
        key: `c${i}`,
        guardianKey: guardian,
        surnameOf: withGf ? 'gf' : undefined,
      });
      a -= r.int(1, 4);
    }
  }
  return out;
}

export interface HouseholdGenOptions {
  /** Cards: probability that a living person with an expired card did not renew it. */
  expiredCardRate: number;
}

/**
 * Generates one household of at most `maxMembers` people (falls back to a
 * one-person household when the drawn composition is larger).
 */
export function generateHousehold(
  r: Rng,
  reg: Registry,
  seq: { persons: number; households: number },
  maxMembers: number,
  opts: HouseholdGenOptions,
  phantom = false,
): Household {
  const province = r.pickW(PROVINCE_WEIGHTS);
  const commune = r.pickW(communeTable(province.code));
  const ethnicity = r.pickW(ETHNIC_TABLES.get(province.code)!);
  const region = province.region;
  let drafts = composition(r);
  if (drafts.length > maxMembers) {
    drafts = [{ sex: r.chance(0.5) ? 'M' : 'F', age: tri(r, 18, 85, 35), relation: 'Chủ hộ', key: 'h' }];
  }
  const homeOld = commune.legacy[0].oldProvince;
  const bigCity = ['01', '79', '48', '24', '75'].includes(province.code);
  const religion = religionFor(r, ethnicity, region);
  const place = placeIn(r, province, commune, region, ethnicity);

  // Surnames, following the patriline inside the household.
  const surnames = new Map<string, string>();
  const surnameOf = (d: Draft): string => {
    const have = surnames.get(d.key);
    if (have) return have;
    let s: string;
    if (d.surnameOf) {
      const src = drafts.find((x) => x.key === d.surnameOf);
      s = src ? surnameOf(src) : pickSurname(r, region, ethnicity);
    } else {
      s = pickSurname(r, region, ethnicity);
    }
    surnames.set(d.key, s);
    return s;
  };

  const seqHousehold = ++seq.households;
  const hh: Household = {
    no: `${province.code}${Str(seqHousehold).padStart(8, '0')}`,
    place,
    legacyAddress: false,
    since: 0,
    members: [],
    head: undefined as unknown as Household['head'],
    region,
  };

  const byKey = new Map<string, Person>();
  const grandparentOld = r.chance(0.75) ? homeOld : r.pickW(OLD_PROVINCE_WEIGHTS);
  for (const d of drafts) {
    const birth = birthForAge(r, d.age);
    const birthYear = yearOf(birth);
    const name = makeName(r, d.sex, birthYear, region, ethnicity, surnameOf(d));
    const isChild =
      d.fatherKey !== undefined || d.motherKey !== undefined || d.relation === 'Con' || d.relation === 'Cháu';
    let birthOld: OldProvince;
    if (d.key === 'gf' || d.key === 'gm') birthOld = grandparentOld;
    else if (isChild && d.age < 18) birthOld = r.chance(0.92) ? homeOld : r.pickW(OLD_PROVINCE_WEIGHTS);
    else birthOld = r.chance(bigCity ? 0.55 : 0.8) ? homeOld : r.pickW(OLD_PROVINCE_WEIGHTS);
    const id = reg.personalId(r, birthOld.idCode, d.sex, birthYear);
    const person: Person = {
      idx: phantom ? -1 : seq.persons++,
      id,
      name,
      fullName: fullName(name),
      sex: d.sex,
      birth,
      ethnicity,
      religion: d.age < 14 && religion !== 'Không' && r.chance(0.3) ? 'Không' : religion,
      birthOld,
      household: hh,
      relation: d.relation,
      dependants: [],
      death: null,
      cards: [],
      cmnd: null,
      lateRenewalEligible: false,
      expiredCard: false,
      registeredDay: 0,
      legacyAddress: false,
      origin: undefined as unknown as Place,
      phantom,
      work: null,
      bhxhCode: null,
    };
    byKey.set(d.key, person);
    hh.members.push(person);
    if (d.relation === 'Chủ hộ') hh.head = person;
  }
  if (!hh.head) hh.head = hh.members[0];

  // Relatives.
  const outsideName = (sex: Sex, birthYear: number, surname?: string): string =>
    fullName(makeName(r, sex, birthYear, region, ethnicity, surname));
  drafts.forEach((d) => {
    const p = byKey.get(d.key)!;
    const by = yearOf(p.birth);
    const knownP = by > 1950 ? 0.97 : 0.6;
    if (d.spouseKey && byKey.has(d.spouseKey)) p.spouse = byKey.get(d.spouseKey);
    const f = d.fatherKey ? byKey.get(d.fatherKey) : undefined;
    const m = d.motherKey ? byKey.get(d.motherKey) : undefined;
    if (f) p.father = { person: f, name: f.fullName };
    else if (r.chance(knownP)) p.father = { name: outsideName('M', by - r.int(22, 35), p.name.surname) };
    if (m) p.mother = { person: m, name: m.fullName };
    else if (r.chance(knownP)) p.mother = { name: outsideName('F', by - r.int(20, 32)) };
    if (d.guardianKey) {
      const g = byKey.get(d.guardianKey)!;
      if (ageToday(p) < 14) g.dependants.push({ person: p, quanHe: 'Người được giám hộ' });
    }
  });
  // In single-parent households the child's father's surname is the child's own (set above).
  for (const p of hh.members) {
    for (const parent of [p.father?.person, p.mother?.person]) {
      if (parent && ageToday(p) < 14) parent.dependants.push({ person: p, quanHe: 'Con' });
    }
  }

  // Deaths: never the head of a multi-person household; never before a child's birth.
  for (const p of hh.members) {
    if (p === hh.head && hh.members.length > 1) continue;
    const age = ageToday(p);
    const hazard = age < 40 ? 0.0012 : age < 60 ? 0.01 : age < 70 ? 0.04 : age < 80 ? 0.11 : age < 90 ? 0.25 : 0.4;
    if (!r.chance(hazard)) continue;
    const youngestChild = hh.members
      .filter((c) => c.father?.person === p || c.mother?.person === p)
      .reduce((mx, c) => M.max(mx, c.birth), 0);
    const lo = M.max(day(2021, 1, 1), p.birth + 1, youngestChild + 30);
    const hi = TODAY - 1;
    if (lo > hi) continue;
    p.death = r.int(lo, hi);
  }

  // Residence registration.
  const head = hh.head;
  const headAdult = birthday(head.birth, 18);
  const lo = M.max(headAdult, day(1990, 1, 1));
  const hi = TODAY - 7;
  hh.since = lo >= hi ? hi : lo + M.floor(M.pow(r.next(), 0.8) * (hi - lo));
  hh.legacyAddress = hh.since < REFORM_DAY && r.chance(0.16);
  const patriline = byKey.get('gf') ?? byKey.get('h') ?? byKey.get('p') ?? head;
  const patrilineOrigin = originPlace(r, patriline.birthOld, region, ethnicity);
  for (const p of hh.members) {
    const regDay = M.min(TODAY - 1, M.max(hh.since, p.birth + r.int(5, 60)));
    p.registeredDay = regDay;
    p.legacyAddress = hh.legacyAddress && regDay < REFORM_DAY;
    const father = p.father?.person;
    if (p === patriline || father === patriline || (father && father.father?.person === patriline))
      p.origin = patrilineOrigin;
    else if (father) p.origin = originPlace(r, father.birthOld, region, ethnicity);
    else p.origin = originPlace(r, p.birthOld, region, ethnicity);
    const age = ageToday(p);
    if (!p.death && age >= 18 && age <= 45 && r.chance(0.08)) {
      const city = PROVINCE_BY_CODE.get(r.pick(['79', '79', '79', '01', '01', '24', '75', '48']))!;
      if (city.code !== province.code) {
        const c = r.pickW(communeTable(city.code));
        p.temporary = placeIn(r, city, c, city.region, 'Kinh');
      }
    }
  }

  // Identity documents.
  for (const p of hh.members) issueCards(r, reg, p, opts);
  return hh;
}

function cardKindAt(r: Rng, t: Day): CardKind {
  if (t < CCCD_START) return 'CMND';
  if (t < CHIP_START) return r.chance(0.6) ? 'CCCD' : 'CMND';
  if (t < THE_CAN_CUOC_START) return 'CCCD_GAN_CHIP';
  return 'THE_CAN_CUOC';
}

function issueCards(r: Rng, reg: Registry, p: Person, opts: HouseholdGenOptions): void {
  const end = endOf(p);
  const t14 = birthday(p.birth, 14);
  let t = M.max(t14 + r.int(0, 1000), day(1988, 1, 1) + r.int(0, 4000));
  if (t < t14) t = t14;
  if (t > end) return;
  const residenceOld = p.household.place.legacy.oldProvince;
  // The chip-card campaign: most holders of an old card switched in 2021–2022.
  const cx = r.next();
  const campaign =
    cx < 0.8
      ? r.int(day(2021, 3, 1), day(2022, 6, 30))
      : cx < 0.95
        ? r.int(day(2022, 7, 1), day(2024, 6, 30))
        : r.int(day(2024, 7, 1), day(2025, 6, 30));
  const cards: IdCard[] = [];
  for (let guard = 0; guard < 12; guard++) {
    const kind = cardKindAt(r, t);
    let card: IdCard;
    if (kind === 'CMND') {
      if (!p.cmnd) p.cmnd = reg.cmnd(r);
      card = {
        loai: 'CMND',
        so: p.cmnd,
        ngayCap: t,
        ngayHetHan: addYears(t, 15),
        noiCap: `Công an ${residenceOld.fullName.replace(/^Tỉnh/, 'tỉnh').replace(/^Thành phố/, 'thành phố')}`,
      };
    } else {
      card = {
        loai: kind,
        so: p.id,
        ngayCap: t,
        ngayHetHan: cardExpiry(p.birth, t),
        noiCap: kind === 'CCCD' ? NOI_CAP_CCCD : kind === 'CCCD_GAN_CHIP' ? NOI_CAP_CHIP : NOI_CAP_TCC,
      };
    }
    cards.push(card);
    let next: number | null;
    if (card.loai === 'CMND' || card.loai === 'CCCD') {
      const due = card.ngayHetHan! - r.int(0, 60);
      next = card.loai === 'CMND' ? M.min(due, campaign) : due;
      if (card.loai === 'CCCD' && campaign > t && r.chance(0.3)) next = M.min(due, campaign);
    } else {
      next = card.ngayHetHan === null ? null : card.ngayHetHan - r.int(0, 60);
    }
    if (next === null || next >= end) break;
    t = M.max(next, t + 30);
    if (t >= end) break;
  }
  // A living person whose latest due renewal has passed may not have renewed.
  let lastExpired = -1;
  if (!p.death) {
    for (let i = 0; i < cards.length; i++) {
      const e = cards[i].ngayHetHan;
      if (e !== null && e < TODAY) lastExpired = i;
    }
  }
  p.lateRenewalEligible = lastExpired >= 0;
  if (p.lateRenewalEligible && r.chance(opts.expiredCardRate)) {
    cards.length = lastExpired + 1;
    p.expiredCard = true;
  }
  if (!cards.some((c) => c.loai === 'CMND')) p.cmnd = null;
  p.cards = cards;
}

/** The current identity document, if any. */
export function currentCard(p: Person): IdCard | undefined {
  return p.cards.length > 0 ? p.cards[p.cards.length - 1] : undefined;
}

/** True when the current card is a chip card (chip CCCD or the 2024 identity card). */
export function hasChipCard(p: Person): boolean {
  const c = currentCard(p);
  return !!c && (c.loai === 'CCCD_GAN_CHIP' || c.loai === 'THE_CAN_CUOC');
}
