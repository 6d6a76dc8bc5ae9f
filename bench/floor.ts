/**
 * The store's round trips alone, as the soak paces them: at `--rate` a second, the five source
 * reads of one citizen at once (`--ping`: five `ping` commands instead), straight from this
 * process through the driver, no HTTP, no hub; each timed from when it was sent (all five, and
 * each one alone). With the soak's
 * `floor` (the bare baseline over HTTP at the soak's rates, bench/resilience.ts) this says how
 * much of the soak's tail the machine and the store give any server before it does any work.
 *
 *   npm run bench:floor -- [--rate 140] [--duration 30] [--ping]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SOURCES, SOURCE_NAMES } from '../connectors/registry';
import type { Store } from '../store/connection';
import { withSoakStore } from './common';
import { quantile } from './profile-probes';

async function probe(store: Store, ids: string[], o: { rate: number; durationS: number; ping: boolean }) {
  const collections = SOURCE_NAMES.map((s) => store.db(SOURCES[s].db).collection(SOURCES[s].collection));
  const all: number[] = [];
  const one: number[] = [];
  let failed: Error | undefined;
  const pending: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < o.rate * o.durationS; i++) {
    const due = t0 + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = ids[i % ids.length];
    const sent = performance.now();
    const read = async (c: (typeof collections)[number]) => {
      if (o.ping) await store.hubDb.command({ ping: 1 });
      else await c.findOne({ _id: id as never });
      one.push(performance.now() - sent);
    };
    pending.push(
      Promise.all(collections.map(read)).then(
        () => void all.push(performance.now() - sent),
        (err: Error) => void (failed ??= err),
      ),
    );
  }
  await Promise.all(pending);
  if (failed) throw failed;
  all.sort((a, b) => a - b);
  one.sort((a, b) => a - b);
  const f = (a: number[], q: number) => +quantile(a, q).toFixed(1);
  return {
    what: o.ping ? 'five pings at once' : 'five source reads at once',
    rate: o.rate,
    p50_ms: f(all, 0.5),
    p99_ms: f(all, 0.99),
    p99_over_p50: +(quantile(all, 0.99) / quantile(all, 0.5)).toFixed(1),
    max_ms: f(all, 1),
    one_p50_ms: f(one, 0.5),
    one_p99_ms: f(one, 0.99),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '140' },
      duration: { type: 'string', default: '30' },
      ping: { type: 'boolean', default: false },
    },
  });
  const o = { rate: Number(values.rate), durationS: Number(values.duration), ping: values.ping };
  if (!(o.rate > 0 && o.durationS > 0)) throw new Error('--rate and --duration take positive numbers');
  await withSoakStore('floor', async (store, ids) => {
    await probe(store, ids, { ...o, durationS: 3 }); // warm-up
    console.table([await probe(store, ids, o)]);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
