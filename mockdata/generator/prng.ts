/**
 * Seeded pseudo-random numbers for the mock-data generator.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit variant) seeded through
 * a 32-bit string/number hash. Never `Math.random`: the same seed must give the
 * same documents, byte for byte.
 */

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Str = String;
const isInt = Number.isInteger;

/** A 32-bit hash of numbers and strings (MurmurHash3-style finaliser on an FNV mix). */
export function hash32(...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    if (typeof p === 'number') {
      // Integers (and other numbers through their string form) are mixed in with a type tag.
      if (isInt(p) && M.abs(p) < 2 ** 53) {
        h = M.imul(h ^ 0x23, 0x01000193);
        const lo = (p % 4294967296) | 0;
        const hi = M.floor(p / 4294967296) | 0;
        h = M.imul(h ^ lo, 0x01000193);
        h = M.imul(h ^ (lo >>> 16), 0x01000193);
        h = M.imul(h ^ hi, 0x01000193);
      } else {
        const s = Str(p);
        h = M.imul(h ^ 0x25, 0x01000193);
        for (let i = 0; i < s.length; i++) h = M.imul(h ^ s.charCodeAt(i), 0x01000193);
      }
    } else {
      h = M.imul(h ^ 0x24, 0x01000193);
      for (let i = 0; i < p.length; i++) h = M.imul(h ^ p.charCodeAt(i), 0x01000193);
    }
    h = M.imul(h ^ 0xff, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's 32-bit finaliser. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = M.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = M.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A cumulative-weight table for fast weighted picks. */
export interface WeightedTable<T> {
  items: readonly T[];
  cumulative: Float64Array;
  total: number;
}

export function weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const items = pairs.map((p) => p[0]);
  const cumulative = new Float64Array(pairs.length);
  let total = 0;
  pairs.forEach(([, w], i) => {
    if (!(w >= 0)) throw new Error(`negative or NaN weight at ${i}`);
    total += w;
    cumulative[i] = total;
  });
  if (total <= 0) throw new Error('weighted table with zero total weight');
  return { items, cumulative, total };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from any list of numbers/strings (e.g. the user seed, a stream name, an index). */
  constructor(...seedParts: Array<number | string>) {
    const h = hash32(...seedParts);
    this.a = fmix32(h ^ 0x9e3779b9);
    this.b = fmix32(h ^ 0x7f4a7c15);
    this.c = fmix32(h ^ 0x6a09e667);
    this.d = fmix32(h ^ 0xbb67ae85) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Derives an independent stream (does not advance this one). */
  static derive(...seedParts: Array<number | string>): Rng {
    return new Rng(...seedParts);
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    let { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new Error(`rng.int: empty range [${lo}, ${hi}]`);
    return lo + M.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('rng.pick: empty array');
    return arr[M.floor(this.next() * arr.length)];
  }

  /** Picks from a weighted table (binary search on the cumulative weights). */
  pickW<T>(t: WeightedTable<T>): T {
    const x = this.next() * t.total;
    let lo = 0;
    let hi = t.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return t.items[lo];
  }

  /** Approximately normal (Irwin–Hall of 4), mean `mu`, sd `sigma`. */
  normal(mu: number, sigma: number): number {
    const s = this.next() + this.next() + this.next() + this.next() - 2; // var 1/3
    return mu + sigma * s * M.sqrt(3);
  }

  /** A string of `n` decimal digits. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Str(this.u32() % 10);
    return s;
  }

  /** `k` distinct items of `arr` in random order (k <= arr.length). */
  sample<T>(arr: readonly T[], k: number): T[] {
    const copy = arr.slice();
    const out: T[] = [];
    for (let i = 0; i < k && copy.length > 0; i++) {
      const j = M.floor(this.next() * copy.length);
      out.push(copy[j]);
      copy[j] = copy[copy.length - 1];
      copy.pop();
    }
    return out;
  }
}
