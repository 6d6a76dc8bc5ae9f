/**
 * Who lives in a household: the member drafts (sex, age, relation to the head, parents,
 * spouse, guardian) drawn before names and personal IDs (household.ts). The shares of household
 * kinds follow Vietnam's census: mostly couples with children, three generations, couples alone,
 * one person, single parents, and grandparents raising grandchildren.
 */
import { weighted, type Rng } from './prng';
import type { Sex } from './names';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;

/** Triangular distribution on [lo, hi] with mode `mode`, rounded down. */
export function tri(r: Rng, lo: number, hi: number, mode: number): number {
  const u = r.next();
  const c = (mode - lo) / (hi - lo);
  const x = u < c ? lo + M.sqrt(u * (hi - lo) * (mode - lo)) : hi - M.sqrt((1 - u) * (hi - lo) * (hi - mode));
  return M.min(hi, M.floor(x));
}

/** Member draft before names and IDs. */
export interface Draft {
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
export function composition(r: Rng): Draft[] {
  const out: Draft[] = [];
  const x = r.next();
  if (x < 0.5) {
    nuclear(r, out, tri(r, 23, 66, 39), r.chance(0.82), 'Con', '');
  } else if (x < 0.65) {
    threeGenerations(r, out);
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
    singleParent(r, out);
  } else {
    skipGeneration(r, out);
  }
  return out;
}

/** Three generations: grandparents, a middle couple, their children. */
function threeGenerations(r: Rng, out: Draft[]): void {
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
}

/** A single parent (most often the mother) with one or two children. */
function singleParent(r: Rng, out: Draft[]): void {
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
}

/** Skip generation: grandparent(s) raising grandchildren while the parents work away. */
function skipGeneration(r: Rng, out: Draft[]): void {
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
