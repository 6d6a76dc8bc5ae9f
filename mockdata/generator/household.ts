/**
 * Household-by-household generation: a head, maybe a spouse, children, sometimes grandparents
 * (composition.ts), named and numbered, linked by personal ID, with their deaths, residence
 * registration and identity cards. Every draw comes from the one household stream, in a fixed
 * order: the same seed gives the same households.
 */
import { OLD_PROVINCE_WEIGHTS, PROVINCE_WEIGHTS, communeTable, type OldProvince, type Province } from './areas';
import { issueCards, type CardOptions } from './cards';
import { composition, tri, type Draft } from './composition';
import { TODAY, addYears, birthday, day, yearOf, type Day } from './dates';
import type { Household, Person, Place } from './model';
import { fullName, makeName, pickSurname, type Region, type Sex } from './names';
import { REFORM_DAY, ageToday, type Registry } from './people';
import { ETHNIC_TABLES, PROVINCE_BY_CODE, originPlace, placeIn, religionFor } from './places';
import type { Rng } from './prng';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Str = String;

/** What one household's members share: where they live and what they are. */
interface Setting {
  province: Province;
  region: Region;
  ethnicity: string;
  religion: string;
  /** The pre-2025 province of the household's commune. */
  homeOld: OldProvince;
  bigCity: boolean;
}

function birthForAge(r: Rng, age: number): Day {
  const latest = addYears(TODAY, -age);
  const earliest = addYears(TODAY, -age - 1) + 1;
  return latest - r.int(0, latest - earliest);
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
  opts: CardOptions,
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
  const setting: Setting = { province, region, ethnicity, religion, homeOld, bigCity };

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

  const byKey = addMembers(r, reg, seq, hh, drafts, setting, phantom);
  linkRelatives(r, drafts, byKey, hh, setting);
  drawDeaths(r, hh);
  registerResidence(r, hh, byKey, setting);
  // Identity documents.
  for (const p of hh.members) issueCards(r, reg, p, opts);
  return hh;
}

/** The members, named (surnames following the patriline) and numbered; the household's head. */
function addMembers(
  r: Rng,
  reg: Registry,
  seq: { persons: number },
  hh: Household,
  drafts: Draft[],
  setting: Setting,
  phantom: boolean,
): Map<string, Person> {
  const { region, ethnicity, religion, homeOld, bigCity } = setting;
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
  return byKey;
}

/** Spouses, parents (in the household, or only named), and the dependants under 14. */
function linkRelatives(r: Rng, drafts: Draft[], byKey: Map<string, Person>, hh: Household, setting: Setting): void {
  const { region, ethnicity } = setting;
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
}

/** Deaths: never the head of a multi-person household; never before a child's birth. */
function drawDeaths(r: Rng, hh: Household): void {
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
}

/** Residence registration: since when, the old or new address form, origins, temporary residence. */
function registerResidence(r: Rng, hh: Household, byKey: Map<string, Person>, setting: Setting): void {
  const { province, region, ethnicity } = setting;
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
}
