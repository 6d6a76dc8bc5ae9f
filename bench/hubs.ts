/**
 * `npm run bench:hubs [-- --hubs 2 --duration 60 --citizens 10000]`
 *
 * The soak of bench/resilience.ts (citizens' tokens, all papers, policy, durable audit, the
 * access-log index) served by `--hubs` hub processes sharing one port (node:cluster; the
 * primary, this process, hands each connection to a worker and serves nothing itself), against
 * the embedded store: the closed-loop maximum (16 connections, 15 s), then evenly spaced requests
 * at half and at a quarter of it, with each process's CPU. Read-only traffic: what it measures is
 * whether more hub processes take the soak's queue off the one thread. (The hub itself is run as
 * one process on the embedded store: docs/limits.md, "Accounts and reports".)
 */
import cluster, { type Worker } from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../store/connection';
import { freePort, startLocalDb } from '../store/localdb';
import { CITIZEN_ALL_PAPERS } from '../test/support/queries';
import { runLoad, seedOrReuse, selfReaders, SOAK_DATA, soakHubEnv } from './common';
import { CpuSampler } from './profile-probes';

const PREFIX = SOAK_DATA.prefix;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hubs: { type: 'string', default: '2' },
      duration: { type: 'string', default: '60' },
      citizens: { type: 'string', default: '10000' },
      'data-dir': { type: 'string', default: SOAK_DATA.dataDir },
    },
  });
  const hubs = Math.max(1, Number(values.hubs));
  const durationS = Number(values.duration);
  const localDb = await startLocalDb({ dataDir: values['data-dir'], port: 0 });
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-hubs-keys-'));
  const workers: Worker[] = [];
  try {
    const store = await Store.connect({ uri: localDb.uri, dbPrefix: PREFIX });
    await seedOrReuse(store, { citizens: Number(values.citizens), seed: SOAK_DATA.seed }, 'hubs', console.log);
    const { bodies, tokens } = await selfReaders(store, keysDir, CITIZEN_ALL_PAPERS);
    await store.close();

    const port = await freePort();
    cluster.setupPrimary({ exec: join(__dirname, 'hub-worker.ts') });
    const config = { ...soakHubEnv(localDb.uri, PREFIX, keysDir), HUB_AUTH: 'on' };
    for (let i = 0; i < hubs; i++) {
      const w = cluster.fork({ HUB_BENCH_CONFIG: JSON.stringify(config), HUB_BENCH_PORT: String(port) });
      workers.push(w);
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('exit', (code) => reject(new Error(`hub worker exited with ${code}`)));
      });
    }
    const url = `http://127.0.0.1:${port}/graphql`;
    const hubPids = new Set(workers.map((w) => w.process.pid!));
    await runLoad(url, bodies, 10, 16, tokens); // warm-up
    const max = await runLoad(url, bodies, 15, 16, tokens);
    const rows: Array<Record<string, string | number>> = [];
    for (const [label, fraction] of [
      ['half', 0.5],
      ['quarter', 0.25],
    ] as const) {
      const rate = Math.max(1, Math.round(max.rps * fraction));
      await runLoad(url, bodies, 5, 16, tokens, rate); // the backlog of the step before drained
      const cpu = new CpuSampler(localDb.pid, hubPids);
      cpu.start();
      const load = await runLoad(url, bodies, durationS, 16, tokens, rate);
      const c = cpu.stop();
      rows.push({
        hubs,
        max_rps: Math.round(max.rps),
        at: label,
        rate_rps: rate,
        p50_ms: load.p50_ms,
        p99_ms: load.p99_ms,
        p99_over_p50: load.p50_ms ? Math.round((load.p99_ms / load.p50_ms) * 10) / 10 : 0,
        errors: load.errors + (load.graphql_errors ?? 0),
        hubs_cpu_pct: c.hub_pct,
        store_pct: c.store_pct,
        generator_pct: c.load_generator_pct,
        machine_busy_pct: c.machine_busy_pct,
      });
    }
    console.log(`\n${hubs} hub process(es), ${durationS} s at each rate`);
    console.table(rows);
  } finally {
    for (const w of workers) w.send({ stop: true });
    await Promise.all(workers.map((w) => new Promise((r) => (w.isDead() ? r(null) : w.once('exit', r)))));
    await localDb.stop();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
