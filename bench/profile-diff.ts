/**
 * `npx tsx bench/profile-diff.ts A.cpuprofile REQUESTS_A B.cpuprofile REQUESTS_B [--top 30]
 *  [--total] [--match REGEX]`
 *
 * Two hub CPU profiles of `npm run bench:profile -- --cpu-prof` (saved under .data/profile/, the
 * request counts printed by each run), compared per request: self time in µs per request by
 * category and by function, A, B and A − B, the largest differences (either way) first. What the policy costs:
 * A = `--closed --env HUB_AUTH=on`, B = `--closed --env HUB_AUTH=off` (docs/benchmarks.md).
 * `--total` adds each function's total time (itself and what it called, synchronously: what a piece
 * of work costs, however V8 inlined it); `--match` keeps the functions whose name (with its
 * file:line) matches, in both tables, e.g. `--match 'services/audit|insertMany'`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { selfTimes, totalTimes, type CpuProfile } from './profile-cpu';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '30' },
      total: { type: 'boolean', default: false },
      match: { type: 'string' },
    },
  });
  if (positionals.length !== 4) throw new Error('usage: profile-diff A.cpuprofile REQUESTS_A B.cpuprofile REQUESTS_B');
  const [fileA, nA, fileB, nB] = positionals;
  const profA = JSON.parse(readFileSync(fileA, 'utf8')) as CpuProfile;
  const profB = JSON.parse(readFileSync(fileB, 'utf8')) as CpuProfile;
  const a = selfTimes(profA);
  const b = selfTimes(profB);
  const match = values.match === undefined ? undefined : new RegExp(values.match);
  const perA = Number(nA);
  const perB = Number(nB);
  if (!(perA > 0 && perB > 0)) throw new Error('the request counts must be positive numbers');
  const top = Number(values.top);
  const compare = (x: Map<string, number>, y: Map<string, number>, label: string, n: number) =>
    [...new Set([...x.keys(), ...y.keys()])]
      .filter((k) => label === 'category' || !match || match.test(k))
      .map((k) => {
        const ua = (x.get(k) ?? 0) / perA;
        const ub = (y.get(k) ?? 0) / perB;
        return { [label]: k, a_us: Math.round(ua), b_us: Math.round(ub), a_minus_b_us: Math.round(ua - ub) };
      })
      .sort((p, q) => Math.abs(q.a_minus_b_us) - Math.abs(p.a_minus_b_us))
      .slice(0, n);
  const total = (m: Map<string, number>, per: number) => Math.round([...m.values()].reduce((s, v) => s + v, 0) / per);
  console.log(`hub CPU per request (profiled): A ${total(a.functions, perA)} µs, B ${total(b.functions, perB)} µs`);
  console.log('\nBy category (self time, µs per request)');
  console.table(compare(a.categories, b.categories, 'category', 20));
  console.log('\nBy function (self time, µs per request), the largest differences (either way) first');
  console.table(compare(a.functions, b.functions, 'function', top));
  if (values.total) {
    console.log('\nBy function (total time: itself and what it called, µs per request), the largest differences first');
    console.table(compare(totalTimes(profA), totalTimes(profB), 'function', top));
  }
}

main();
