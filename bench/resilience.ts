/**
 * Resilience and load (issue 6): `npm run bench:resilience [-- --short]`, and the `fanout`,
 * `degraded` and `soak` sections of `npm run bench`.
 *
 * - **fanout**: every source takes 20 ms to answer (fault injection: the answer comes 20 ms after
 *   the call, the mock's own read running meanwhile); one connection from the load generator's
 *   process sends the single-citizen all-papers query again and again; the hub's p50. Serial
 *   reads (population, then the others) could not go under 40 ms; parallel ones stay near 20 ms
 *   plus the hub's own time. In the development mode (no token, no audit: the sources' effect
 *   alone) and with the policy on.
 * - **degraded**: the health-record source hangs; load from 8 connections; every request waits
 *   for that source's timeout (`timeout_ms`) at most, its other fields served. The breaker is held
 *   closed (`p99_ms`: the worst case, every request waits for the timeout); `p99_ms_with_breaker`
 *   is the same with the default breaker, which opens and fails that source at once.
 * - **soak**: the full path (citizen tokens, disclosure policy, durable audit) at 50% of the
 *   maximum rate measured just before, for `duration_s` (300 s; 20 s with `--short`), requests
 *   evenly spaced (open loop, bench/load.ts): p50, p99 (from when each request was due), errors,
 *   and the hub process's RSS right after a full garbage collection before and after (the hub in
 *   a process of its own, bench/hub-process.ts, as deployed); then the
 *   same at a quarter of the maximum for 60 s; then the `floor`: the bare baseline
 *   (bench/baseline.ts) in a process of its own at the same two rates, then at half and a quarter
 *   of its own maximum (the goal's terms applied to a server that does almost nothing).
 *
 * Seeds its own data (prefix `benchres_`, reused when present), or uses the caller's (run.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../hub/config';
import { startHub, type RunningHub } from '../hub/server';
import { Store } from '../store/connection';
import { SOURCE_NAMES, type SourceName } from '../connectors/sources';
import { CITIZEN_ALL_PAPERS } from '../test/support/queries';
import { startHubProcess, type HubProcess } from './hub-process';
import { procCpuS, procRssBytes } from './profile-probes';
import { tailLine, tailShape, type TailShape } from './tail-shape';
import { mergeResults, runLoad, seedOrReuse, selfReaders, SOAK_DATA, soakHubEnv, withStandaloneStore } from './common';

const SOURCES: readonly SourceName[] = SOURCE_NAMES;
export const FANOUT_LATENCY_MS = 20;
export const DEGRADED_TIMEOUT_MS = 200;

export interface ResilienceResult {
  fanout: {
    source_latency_ms: number;
    hub_p50_ms: number;
    hub_p90_ms: number;
    hub_p50_ms_policy_on: number;
    samples: number;
  };
  degraded: {
    down_source: SourceName;
    timeout_ms: number;
    p50_ms: number;
    p99_ms: number;
    p99_ms_with_breaker: number;
    rps: number;
    non_2xx: number;
  };
  soak: {
    duration_s: number;
    max_rps: number;
    rate_rps: number;
    p50_ms: number;
    p99_ms: number;
    /** Transport errors, timeouts, non-2xx answers. */
    errors: number;
    /** 2xx answers carrying GraphQL errors. */
    graphql_errors: number;
    /** Both, by HTTP status and GraphQL code or transport error. */
    error_kinds: Record<string, number>;
    requests: number;
    /** The hub process's RSS right after a full garbage collection, before and after the soak. */
    rss_start_mb: number;
    rss_end_mb: number;
    /** Its heap in use at the same moments (what is live). */
    heap_start_mb: number;
    heap_end_mb: number;
    /** The hub process's CPU during the soak, % of one core. */
    hub_cpu_pct: number;
    /** Every 5 s of the soak. */
    rss_series_mb: number[];
    /**
     * The shape of the soak's tail (bench/tail-shape.ts): the slow requests, their bursts, and how
     * many were under way during (or due just after) one of the hub process's GC pauses.
     */
    tail: TailShape;
    /** The same load at a quarter of the maximum (60 s; 10 s with `--short`). */
    at_quarter: { rate_rps: number; p50_ms: number; p99_ms: number; errors: number };
    /**
     * The machine's floor: the bare baseline (bench/baseline.ts: the same five store reads, no
     * GraphQL, policy or audit), in a process of its own like the hub, at the same two rates (60 s
     * each; 10 s with `--short`) right after the hub's: what p99/p50 a server that does almost
     * nothing gets from this store on these cores.
     */
    floor?: {
      half: FloorFigures;
      quarter: FloorFigures;
      /** The baseline process's CPU at half, % of one core. */
      cpu_pct: number;
      /**
       * The goal's own terms applied to the baseline: its maximum (closed loop, 16 connections,
       * as measured for the hub), then half and a quarter of that, evenly spaced, 60 s each (10 s
       * with `--short`). Whether a server doing almost nothing meets p99/p50 ≤ 3 / ≤ 2 here.
       */
      own: {
        max_rps: number;
        half: FloorFigures & { rate_rps: number };
        quarter: FloorFigures & { rate_rps: number };
        /** The shape of its tail at half its own maximum, as the hub's `tail`. */
        tail: TailShape;
      };
    };
  };
}

/** The bare baseline's figures at one rate of the soak's floor. */
interface FloorFigures {
  p50_ms: number;
  p99_ms: number;
  errors: number;
  /** By kind, as the soak's, when there were errors. */
  error_kinds?: Record<string, number>;
}

/** A run's figures (without fan-out and degraded with `soakOnly`). */
export type ResilienceRun = Partial<ResilienceResult> & Pick<ResilienceResult, 'soak'>;

const mb = (bytes: number) => +(bytes / 1048576).toFixed(1);

export async function benchResilience(opts: {
  uri: string;
  /** The store prefix of a seeded data set. */
  prefix: string;
  short?: boolean;
  /** Seconds of the soak (default 300; 20 with `short`). */
  soakS?: number;
  /** Only the soak (no fan-out, no degraded source). */
  soakOnly?: boolean;
  log?: (m: string) => void;
}): Promise<ResilienceRun> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const store = await Store.connect({ uri: opts.uri, dbPrefix: opts.prefix, maxPoolSize: 64 });
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-bench-keys-'));
  const hubs: RunningHub[] = [];
  const processes: HubProcess[] = [];
  const base = soakHubEnv(opts.uri, opts.prefix, keysDir);
  const start = async (env: Record<string, string>) => {
    const h = await startHub(
      { config: loadConfig({ ...base, ...env }), store, logger: pino({ level: 'silent' }) },
      { port: 0, host: '127.0.0.1' },
    );
    hubs.push(h);
    return h;
  };
  const startProcess = async (env: Record<string, string>, baseline = false) => {
    const h = await startHubProcess({ ...base, ...env }, baseline);
    processes.push(h);
    return h;
  };
  try {
    const { bodies, tokens } = await selfReaders(store, keysDir, CITIZEN_ALL_PAPERS);
    const run: Run = { start, startProcess, bodies, tokens, short: opts.short, soakS: opts.soakS, log };
    const fanout = opts.soakOnly ? undefined : await benchFanout(run);
    const degraded = opts.soakOnly ? undefined : await benchDegraded(run);
    const soak = await benchSoak(run);
    return { fanout, degraded, soak };
  } finally {
    for (const h of hubs) await h.stop().catch(() => undefined);
    for (const h of processes) await h.stop().catch(() => undefined);
    await store.close();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

/** What each section runs with: a hub factory (over the seeded store), the self-readers' requests. */
interface Run {
  start: (env: Record<string, string>) => Promise<RunningHub>;
  /** The same settings, the hub in a process of its own (bench/hub-process.ts). */
  startProcess: (env: Record<string, string>, baseline?: boolean) => Promise<HubProcess>;
  bodies: string[];
  tokens: string[];
  short?: boolean;
  /** Seconds of the soak (default 300; 20 with `short`). */
  soakS?: number;
  log: (m: string) => void;
}

/** fanout: one connection from the load generator's process, so the hub is alone here. */
async function benchFanout({ start, bodies, tokens, short, log }: Run): Promise<ResilienceResult['fanout']> {
  const slow = JSON.stringify(Object.fromEntries(SOURCES.map((s) => [s, { latencyMs: FANOUT_LATENCY_MS }])));
  const fanoutS = short ? 5 : 15;
  const dev = await start({ HUB_AUTH: 'off', HUB_FAULTS: slow });
  await runLoad(`${dev.url}/graphql`, bodies, 2, 1);
  const devLoad = await runLoad(`${dev.url}/graphql`, bodies, fanoutS, 1);
  await dev.stop();
  const on = await start({ HUB_AUTH: 'on', HUB_FAULTS: slow });
  await runLoad(`${on.url}/graphql`, bodies, 2, 1, tokens);
  const onLoad = await runLoad(`${on.url}/graphql`, bodies, fanoutS, 1, tokens);
  await on.stop();
  if (devLoad.errors || onLoad.errors) throw new Error(`fanout: ${devLoad.errors + onLoad.errors} failed requests`);
  const fanout = {
    source_latency_ms: FANOUT_LATENCY_MS,
    hub_p50_ms: devLoad.p50_ms,
    hub_p90_ms: devLoad.p90_ms,
    hub_p50_ms_policy_on: onLoad.p50_ms,
    samples: devLoad.requests,
  };
  log(
    `fanout: five sources at ${FANOUT_LATENCY_MS} ms each: hub p50 ${fanout.hub_p50_ms} ms (policy on ${fanout.hub_p50_ms_policy_on} ms)`,
  );
  return fanout;
}

/** degraded: the health-record source hangs; the breaker held closed, then the default breaker. */
async function benchDegraded({ start, bodies, short, log }: Run): Promise<ResilienceResult['degraded']> {
  const degradedS = short ? 5 : 15;
  const hang = JSON.stringify({ healthRecord: { hang: true } });
  const held = await start({
    HUB_AUTH: 'off',
    HUB_FAULTS: hang,
    HUB_SOURCE_TIMEOUT_MS: String(DEGRADED_TIMEOUT_MS),
    HUB_BREAKER_FAILURES: '1000000000',
  });
  await runLoad(`${held.url}/graphql`, bodies, 2, 8); // warm-up, as for the others
  const heldLoad = await runLoad(`${held.url}/graphql`, bodies, degradedS, 8);
  await held.stop();
  const broken = await start({
    HUB_AUTH: 'off',
    HUB_FAULTS: hang,
    HUB_SOURCE_TIMEOUT_MS: String(DEGRADED_TIMEOUT_MS),
  });
  await runLoad(`${broken.url}/graphql`, bodies, 2, 8);
  const brokenLoad = await runLoad(`${broken.url}/graphql`, bodies, degradedS, 8);
  await broken.stop();
  const degraded = {
    down_source: 'healthRecord' as SourceName,
    timeout_ms: DEGRADED_TIMEOUT_MS,
    p50_ms: heldLoad.p50_ms,
    p99_ms: heldLoad.p99_ms,
    p99_ms_with_breaker: brokenLoad.p99_ms,
    rps: Math.round(heldLoad.rps),
    non_2xx: heldLoad.errors,
  };
  log(
    `degraded: healthRecord hanging, timeout ${DEGRADED_TIMEOUT_MS} ms: p50 ${degraded.p50_ms} ms, p99 ${degraded.p99_ms} ms ` +
      `(with the breaker: p99 ${degraded.p99_ms_with_breaker} ms)`,
  );
  return degraded;
}

/** soak: the full path at half the maximum rate measured just before, then at a quarter. */
async function benchSoak({ startProcess, bodies, tokens, short, log, ...run }: Run): Promise<ResilienceResult['soak']> {
  const soakS = run.soakS ?? (short ? 20 : 300);
  // The hub in a process of its own, as deployed: not in this one, whose heap holds the seeding
  // and the sections before (its collector would work on twice the hub's heap).
  const full = await startProcess({ HUB_AUTH: 'on' });
  const url = `${full.url}/graphql`;
  await runLoad(url, bodies, 3, 16, tokens); // warm-up
  const max = await runLoad(url, bodies, short ? 5 : 15, 16, tokens);
  const rate = Math.max(1, Math.round(max.rps * 0.5));
  log(`soak: maximum ${Math.round(max.rps)} req/s; soaking at ${rate} req/s for ${soakS} s...`);
  // A few seconds at the soak's rate first: the background work the maximum left queued
  // (audit tail pointer, access-log index) is done before the measured soak begins.
  await runLoad(url, bodies, short ? 3 : 10, 16, tokens, rate);
  // The hub's memory. RSS follows the garbage collector's sawtooth (±100 MB here, over a minute
  // or more), so the start and end figures are taken right after a full collection; the series
  // (every 5 s) and the post-collection heap are kept too.
  const rssStart = await full.memory();
  const series: number[] = [];
  const sampler = setInterval(() => {
    const rss = procRssBytes(full.pid);
    if (rss !== null) series.push(rss);
  }, 5_000);
  const cpu0 = procCpuS(full.pid);
  if (cpu0 === null) throw new Error('soak: the hub process is gone');
  await full.gcPauses(); // from here on
  const soakLoad = await runLoad(url, bodies, soakS, 16, tokens, rate, { raw: true });
  const cpuS = (procCpuS(full.pid) ?? cpu0) - cpu0;
  const tail = tailShape(soakLoad.raw ?? [], await full.gcPauses());
  clearInterval(sampler);
  const rssEnd = await full.memory();
  // The same at a quarter of the maximum: how much of the tail is queueing for the two cores
  // the load generator, the hub and the store share.
  const quarterRate = Math.max(1, Math.round(max.rps * 0.25));
  const quarter = await runLoad(url, bodies, short ? 10 : 60, 16, tokens, quarterRate);
  await full.stop();
  // The floor is secondary: when it fails, the hub's figures are kept and the failure said.
  const floor = await startProcess({}, true)
    .then((base) => soakFloor(base, bodies, rate, quarterRate, short))
    .catch((err: unknown) => {
      log(`soak floor failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
  const soak = {
    duration_s: soakS,
    max_rps: Math.round(max.rps),
    rate_rps: rate,
    p50_ms: soakLoad.p50_ms,
    p99_ms: soakLoad.p99_ms,
    errors: soakLoad.errors,
    graphql_errors: soakLoad.graphql_errors ?? 0,
    error_kinds: soakLoad.error_kinds ?? {},
    requests: soakLoad.requests,
    rss_start_mb: mb(rssStart.rss),
    rss_end_mb: mb(rssEnd.rss),
    heap_start_mb: mb(rssStart.heapUsed),
    heap_end_mb: mb(rssEnd.heapUsed),
    rss_series_mb: series.map(mb),
    hub_cpu_pct: Math.round((cpuS / soakS) * 100),
    tail,
    at_quarter: { rate_rps: quarterRate, p50_ms: quarter.p50_ms, p99_ms: quarter.p99_ms, errors: quarter.errors },
    floor,
  };
  log(
    `soak: ${soak.requests} requests at ${rate} req/s: p50 ${soak.p50_ms} ms, p99 ${soak.p99_ms} ms, ` +
      `${soak.errors} errors (${soak.graphql_errors} with GraphQL errors${soak.errors + soak.graphql_errors ? `: ${JSON.stringify(soak.error_kinds)}` : ''}); RSS (after a full GC) ${soak.rss_start_mb} → ${soak.rss_end_mb} MB, heap ${soak.heap_start_mb} → ${soak.heap_end_mb} MB, hub CPU ${soak.hub_cpu_pct}%; ` +
      `at ${quarterRate} req/s: p50 ${quarter.p50_ms} ms, p99 ${quarter.p99_ms} ms` +
      (floor
        ? `; the bare baseline at the same rates (${floor.cpu_pct}% CPU at half): p50 ${floor.half.p50_ms} / p99 ${floor.half.p99_ms} ms, ` +
          `p50 ${floor.quarter.p50_ms} / p99 ${floor.quarter.p99_ms} ms` +
          `; at half its own maximum of ${floor.own.max_rps} req/s: p50 ${floor.own.half.p50_ms} / p99 ${floor.own.half.p99_ms} ms, ` +
          `a quarter: p50 ${floor.own.quarter.p50_ms} / p99 ${floor.own.quarter.p99_ms} ms`
        : ''),
  );
  return soak;
}

/** The soak's two rates on the bare baseline (`base`, stopped after), then its own half and quarter. */
async function soakFloor(base: HubProcess, bodies: string[], rate: number, quarterRate: number, short?: boolean) {
  const seconds = short ? 10 : 60;
  try {
    const url = `${base.url}/graphql`;
    await runLoad(url, bodies, 3, 16, undefined, rate); // warm-up
    const cpu0 = procCpuS(base.pid);
    const half = await runLoad(url, bodies, seconds, 16, undefined, rate);
    const cpu1 = procCpuS(base.pid);
    if (cpu0 === null || cpu1 === null) throw new Error('the baseline process is gone');
    const cpuS = cpu1 - cpu0;
    const quarter = await runLoad(url, bodies, seconds, 16, undefined, quarterRate);
    const pick = (l: Awaited<ReturnType<typeof runLoad>>) => ({
      p50_ms: l.p50_ms,
      p99_ms: l.p99_ms,
      errors: l.errors,
      ...(l.errors ? { error_kinds: l.error_kinds ?? {} } : {}),
    });
    // Then the goal's own terms: the baseline at half and a quarter of its own maximum.
    const max = await runLoad(url, bodies, short ? 5 : 15, 16); // as for the hub
    const ownRate = Math.max(1, Math.round(max.rps * 0.5));
    const ownQuarterRate = Math.max(1, Math.round(max.rps * 0.25));
    await runLoad(url, bodies, 3, 16, undefined, ownRate);
    await base.gcPauses(); // from here on
    const ownHalf = await runLoad(url, bodies, seconds, 16, undefined, ownRate, { raw: true });
    const ownTail = tailShape(ownHalf.raw ?? [], await base.gcPauses());
    const ownQuarter = await runLoad(url, bodies, seconds, 16, undefined, ownQuarterRate);
    return {
      half: pick(half),
      quarter: pick(quarter),
      cpu_pct: Math.round((cpuS / seconds) * 100),
      own: {
        max_rps: Math.round(max.rps),
        half: { rate_rps: ownRate, ...pick(ownHalf) },
        quarter: { rate_rps: ownQuarterRate, ...pick(ownQuarter) },
        tail: ownTail,
      },
    };
  } finally {
    await base.stop();
  }
}

/** The printed table. */
export function resilienceTable(r: ResilienceRun): Array<Record<string, unknown>> {
  return [
    ...(r.fanout && r.degraded ? sourceRows(r.fanout, r.degraded) : []),
    {
      section: 'soak',
      figure:
        `${r.soak.rate_rps} req/s × ${r.soak.duration_s} s: p50 ${r.soak.p50_ms} / p99 ${r.soak.p99_ms} ms, ` +
        `${r.soak.errors} errors, RSS ${r.soak.rss_start_mb} → ${r.soak.rss_end_mb} MB ` +
        `(at ${r.soak.at_quarter.rate_rps} req/s: p50 ${r.soak.at_quarter.p50_ms} / p99 ${r.soak.at_quarter.p99_ms} ms)`,
      goal: 'p99/p50 ≤ 3, 0 errors, RSS +<10%',
    },
    { section: 'soak tail', figure: tailLine(r.soak.tail), goal: '—' },
    ...(r.soak.floor
      ? [
          {
            section: 'soak floor',
            figure:
              `bare baseline at the same rates: p50 ${r.soak.floor.half.p50_ms} / p99 ${r.soak.floor.half.p99_ms} ms ` +
              `(at a quarter: p50 ${r.soak.floor.quarter.p50_ms} / p99 ${r.soak.floor.quarter.p99_ms} ms)`,
            goal: '— (the machine and store, without the hub)',
          },
          {
            section: 'soak floor, own max',
            figure:
              `bare baseline at half its own maximum (${r.soak.floor.own.max_rps} req/s): ` +
              `${r.soak.floor.own.half.rate_rps} req/s p50 ${r.soak.floor.own.half.p50_ms} / p99 ${r.soak.floor.own.half.p99_ms} ms ` +
              `(at ${r.soak.floor.own.quarter.rate_rps} req/s: p50 ${r.soak.floor.own.quarter.p50_ms} / p99 ${r.soak.floor.own.quarter.p99_ms} ms)`,
            goal: '— (the soak goal applied to the baseline itself)',
          },
          { section: 'soak floor tail', figure: tailLine(r.soak.floor.own.tail), goal: '— (at half its own maximum)' },
        ]
      : []),
  ];
}

function sourceRows(fanout: ResilienceResult['fanout'], degraded: ResilienceResult['degraded']) {
  return [
    {
      section: 'fanout',
      figure: `p50 ${fanout.hub_p50_ms} ms (policy on ${fanout.hub_p50_ms_policy_on} ms)`,
      goal: '≤ 25 ms with five sources at 20 ms',
    },
    {
      section: 'degraded',
      figure: `p99 ${degraded.p99_ms} ms (with breaker ${degraded.p99_ms_with_breaker} ms)`,
      goal: `≤ ${degraded.timeout_ms + 50} ms (timeout + 50)`,
    },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      citizens: { type: 'string', default: '10000' },
      'data-dir': { type: 'string', default: SOAK_DATA.dataDir },
      write: { type: 'boolean', default: false },
      /** Seconds of the soak (default 300; 20 with --short). */
      'soak-duration': { type: 'string' },
      /** Only the soak (no fan-out, no degraded source). */
      'soak-only': { type: 'boolean', default: false },
    },
  });
  await withStandaloneStore(values['data-dir'], async (uri) => {
    const seedStore = await Store.connect({ uri, dbPrefix: SOAK_DATA.prefix });
    try {
      await seedOrReuse(
        seedStore,
        { citizens: Number(values.citizens), seed: SOAK_DATA.seed },
        'resilience',
        console.log,
      );
    } finally {
      await seedStore.close();
    }
    const r = await benchResilience({
      uri,
      prefix: SOAK_DATA.prefix,
      short: values.short,
      soakS: values['soak-duration'] ? Number(values['soak-duration']) : undefined,
      soakOnly: values['soak-only'],
    });
    console.table(resilienceTable(r));
    console.log(JSON.stringify(r));
    if (values.write) for (const [k, v] of Object.entries(r)) mergeResults(k, v);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
