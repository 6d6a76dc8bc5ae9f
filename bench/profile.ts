/**
 * `npm run bench:profile [-- --duration 60 --fraction 0.5 | --rate R] [--cpu-prof] [--store-pprof]
 *  [--env KEY=VALUE ...] [--out file.json]`
 *
 * Where the soak's time goes. Runs the soak of bench/resilience.ts (the full path: citizen tokens,
 * disclosure policy, durable audit; evenly spaced requests at `--fraction` of the closed-loop
 * maximum measured first, or at `--rate`) for `--duration` seconds and prints:
 * - the load generator's latencies (from when each request was due);
 * - the hub's time per request by phase (all requests, and the slowest 1 %): see PhaseTracker;
 * - store commands per request by kind, with their latency as the driver sees it;
 * - CPU of the hub, the embedded store, the load generator and the rest of the machine (other
 *   processes: this machine is shared), and CPU ms per request of the hub and the store;
 * - the event loop's delay and the garbage collector's pauses in the hub;
 * - with `--cpu-prof`, the hub's CPU profile (saved under .data/profile/, top categories and
 *   functions by self time); with `--store-pprof`, the store's Go CPU profile (saved; its top
 *   printed with `go tool pprof`).
 * `--closed` measures a closed loop instead (`--connections` always busy: the policy on / off
 * section's load; with `--env HUB_AUTH=off` its "off" side).
 * `--light` leaves out the per-request probes (phases, command monitoring: an AsyncLocalStorage and
 * the driver's command events cost the hub 0.3–0.5 ms of CPU per request themselves), for the
 * hub's and the store's CPU per request and the generator's latencies as they are without them.
 * `--trace` joins each request (when it was due, its latency) with what overlapped it, from 10 ms
 * samples of the threads' run-queue waits and the hub's, the store's and the index worker's
 * events (bench/profile-trace.ts); with `--cpu-prof`, also what the hub's main thread ran during
 * the slowest 1 %. `--promoted` (with or without `--alloc-prof`): where the hub allocates what
 * survives its scavenges.
 * `--env KEY=VALUE` sets hub configuration for an A/B run. Seeds `benchres_` in `--data-dir`
 * (the resilience section's, reused).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../hub/config';
import { startHub, type RunningHub } from '../hub/server';
import { Store } from '../store/connection';
import { freePort, startLocalDb, type LocalDb } from '../store/localdb';
import { CITIZEN_ALL_PAPERS } from '../test/support/queries';
import type { LoadSecond } from './load';
import { runLoad, seedOrReuse, type LoadResult, selfReaders, SOAK_DATA, soakHubEnv } from './common';
import { CommandStats, CpuSampler, descendants, durations, LoopProbe, PhaseTracker, quantile } from './profile-probes';
import { AllocProfiler, CpuProfiler, storeProfile } from './profile-cpu';
import { gcTraceInterval, printTrace, traceReport, Tracer, type Interval } from './profile-trace';

const PREFIX = SOAK_DATA.prefix;

interface Options {
  durationS: number;
  fraction: number;
  rate?: number;
  maxS: number;
  warmupS: number;
  connections: number;
  cpuProf: boolean;
  storePprof: boolean;
  light: boolean;
  /** The measured run is a closed loop (`connections` always busy) instead of a constant rate. */
  closed: boolean;
  /** Second by second: the worst seconds with what the hub and the store did in them. */
  timeline: boolean;
  /** Where the hub allocates (V8's sampling heap profiler, freed objects counted). */
  allocProf: boolean;
  /** With allocProf: only what survived the scavenges (promoted to the old generation). */
  allocPromoted: boolean;
  /** Request by request: what each slow request overlapped (bench/profile-trace.ts). */
  trace: boolean;
  env: Record<string, string>;
  outDir: string;
}

function options(): Options & { citizens: number; dataDir: string; out?: string; storeEnv: Record<string, string> } {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      fraction: { type: 'string', default: '0.5' },
      rate: { type: 'string' },
      'max-duration': { type: 'string', default: '10' },
      /** Seconds of closed-loop warm-up (long enough to ask for every citizen once: their accounts cached). */
      warmup: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      citizens: { type: 'string', default: '10000' },
      'data-dir': { type: 'string', default: SOAK_DATA.dataDir },
      'cpu-prof': { type: 'boolean', default: false },
      'store-pprof': { type: 'boolean', default: false },
      light: { type: 'boolean', default: false },
      closed: { type: 'boolean', default: false },
      timeline: { type: 'boolean', default: false },
      'alloc-prof': { type: 'boolean', default: false },
      /** With --alloc-prof: only what survived the scavenges. */
      promoted: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      env: { type: 'string', multiple: true, default: [] },
      /** Environment of the embedded store (e.g. LOCALDB_RELAXED_SYNC_DBS= for an A/B run). */
      'store-env': { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
    },
  });
  const pairs = (list: string[]) => {
    const out: Record<string, string> = {};
    for (const kv of list) {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--env and --store-env take KEY=VALUE, not ${kv}`);
      out[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return out;
  };
  const env = pairs(values.env);
  if ((values.timeline || values.trace) && values.closed)
    throw new Error('--timeline and --trace are for a constant rate (--rate or --fraction), not --closed');
  return {
    durationS: Number(values.duration),
    fraction: Number(values.fraction),
    rate: values.rate ? Number(values.rate) : undefined,
    maxS: Number(values['max-duration']),
    warmupS: Number(values.warmup),
    connections: Number(values.connections),
    cpuProf: values['cpu-prof'],
    storePprof: values['store-pprof'],
    light: values.light,
    closed: values.closed,
    timeline: values.timeline,
    allocProf: values['alloc-prof'] || values.promoted,
    allocPromoted: values.promoted,
    trace: values.trace,
    env,
    storeEnv: pairs(values['store-env']),
    citizens: Number(values.citizens),
    dataDir: values['data-dir'],
    out: values.out,
    outDir: resolve('.data/profile'),
  };
}

/** The soak with every probe on; returns the figures (also printed). */
export async function profileSoak(
  o: Options & { uri: string; storePid?: number; pprofAddr?: string; storeGc?: Interval[] },
): Promise<Record<string, unknown>> {
  const store = await Store.connect({ uri: o.uri, dbPrefix: PREFIX, maxPoolSize: 64, monitorCommands: !o.light });
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-profile-keys-'));
  let hub: RunningHub | undefined;
  try {
    const config = loadConfig({ ...soakHubEnv(o.uri, PREFIX, keysDir), HUB_AUTH: 'on', ...o.env });
    hub = await startHub({ config, store, logger: pino({ level: 'silent' }) }, { port: 0, host: '127.0.0.1' });
    const url = `${hub.url}/graphql`;
    const { bodies, tokens } = await selfReaders(store, keysDir, CITIZEN_ALL_PAPERS);
    const phases = new PhaseTracker();
    if (!o.light) phases.attach(hub);
    const commands = new CommandStats(store.client, PREFIX, phases);
    const loop = new LoopProbe();
    const cpu = new CpuSampler(o.storePid);

    await runLoad(url, bodies, o.warmupS, o.connections, tokens); // warm-up
    let maxRps: number | undefined;
    if (o.rate === undefined && !o.closed) maxRps = (await runLoad(url, bodies, o.maxS, o.connections, tokens)).rps;
    const rate = o.closed ? undefined : (o.rate ?? Math.max(1, Math.round(maxRps! * o.fraction)));
    console.log(
      o.closed
        ? `closed loop on ${o.connections} connections for ${o.durationS} s${Object.keys(o.env).length ? ` with ${JSON.stringify(o.env)}` : ''}...`
        : `${maxRps ? `maximum ${Math.round(maxRps)} req/s (closed loop, ${o.connections} connections); ` : ''}` +
            `soaking at ${rate} req/s for ${o.durationS} s${Object.keys(o.env).length ? ` with ${JSON.stringify(o.env)}` : ''}...`,
    );
    if (!o.closed) await runLoad(url, bodies, 5, o.connections, tokens, rate); // the maximum's backlog drained

    mkdirSync(o.outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const w0 = writeCounts(hub);
    hub.auditWriter.indexer?.resetLag();
    phases.reset();
    commands.reset();
    phases.on = commands.on = true;
    const profiler = o.cpuProf ? new CpuProfiler() : undefined;
    await profiler?.start();
    const allocs = o.allocProf ? new AllocProfiler() : undefined;
    await allocs?.start(16_384, o.allocPromoted);
    const storeProf =
      o.storePprof && o.pprofAddr
        ? storeProfile(o.pprofAddr, Math.max(1, o.durationS - 2), join(o.outDir, `store-${stamp}.pprof`))
        : undefined;
    const events = o.timeline || o.trace ? watchBackground(hub) : undefined;
    const tracer = o.trace ? new Tracer(o.storePid, findGenerator) : undefined;
    if (o.storeGc) o.storeGc.length = 0;
    loop.start();
    tracer?.start();
    cpu.start();
    const t0 = performance.now();
    const load = await runLoad(url, bodies, o.durationS, o.connections, tokens, rate, {
      timeline: o.timeline,
      raw: o.trace,
    });
    tracer?.stop();
    events?.stop();
    const wallS = (performance.now() - t0) / 1000;
    const cpuUse = cpu.stop();
    const loopUse = loop.stop(wallS);
    phases.on = commands.on = false;
    const hubProfile = await profiler?.stop(join(o.outDir, `hub-${stamp}.cpuprofile`));
    const allocProfile = await allocs?.stop(join(o.outDir, `hub-${stamp}.heapprofile`), load.requests);
    const storeTop = await storeProf?.catch((e: unknown) => `store profile failed: ${String(e)}`);

    const phaseSummary = phases.summary();
    const cmd = commands.summary(phaseSummary.requests);
    const n = Math.max(1, load.requests);
    const perReq = (x: number) => Math.round((x / n) * 1000) / 1000;
    const latency = latencyOf(load, rate, maxRps);
    const cpuMsPerRequest = {
      hub_cpu_ms_per_request: Math.round(((cpuUse.hub_pct / 100) * wallS * 1000 * 100) / n) / 100,
      store_cpu_ms_per_request: Math.round(((cpuUse.store_pct / 100) * wallS * 1000 * 100) / n) / 100,
    };
    const writes = writesOf(hub, w0, perReq, cmd, phases.background);
    const result = {
      env: o.env,
      latency,
      phases: phaseSummary.rows,
      commands: cmd.rows,
      writes,
      cpu: { ...cpuUse, ...cpuMsPerRequest },
      loop: loopUse,
      ...(hubProfile ? { hubProfile } : {}),
    };
    printSoak(result, phaseSummary.requests, storeTop);
    if (allocProfile) {
      console.log('\nHub allocations by category (sampled, freed objects counted)');
      console.table(allocProfile.categories);
      console.log('\nHub allocations, top functions');
      console.table(allocProfile.functions);
    }
    if (tracer && load.raw && events) {
      const t = traceReport(load.raw, tracer, {
        hubGc: loop.gc,
        storeGc: o.storeGc ?? [],
        batches: events.batches,
        passes: events.passes,
      });
      printTrace(t, profiler);
      return { ...result, trace: t };
    }
    if (load.timeline && events) {
      const t = timelineOf(load.timeline, cpu.samples, loop.gc, events);
      console.log('\nThe worst seconds (by the slowest request due in them), with what happened in them');
      console.table(t.worst);
      console.log("\nSeconds with a slow request (max > 5 × the median second's p50) against the others (means)");
      console.table(t.contrast);
      console.log('\nBackground work and pauses in the hub (wall time each)');
      console.table(t.background);
      return { ...result, timeline: t };
    }
    return result;
  } finally {
    await hub?.stop().catch(() => undefined);
    await store.close();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** The audit writer's and the index worker's counters so far. */
function writeCounts(hub: RunningHub) {
  const w = hub.auditWriter;
  return { writes: w.writes, side: w.sideWrites + (w.indexer?.writes ?? 0), records: w.records };
}

/** Writes per request since `w0` (the counters at the start), with the store's command counts. */
function writesOf(
  hub: RunningHub,
  w0: ReturnType<typeof writeCounts>,
  perReq: (x: number) => number,
  cmd: { perRequest: number; statementsPerRequest: number },
  background: number,
) {
  const w = writeCounts(hub);
  const indexer = hub.auditWriter.indexer;
  return {
    audit_writes_per_request: perReq(w.writes - w0.writes),
    background_writes_per_request: perReq(w.side - w0.side),
    index_lag_p99_ms: indexer ? Math.round(quantile(sorted(indexer.lags), 0.99)) : null,
    index_lag_max_ms: indexer ? Math.round(Math.max(0, ...indexer.lags)) : null,
    records_per_request: perReq(w.records - w0.records),
    store_commands_per_request: cmd.perRequest,
    store_statements_per_request: cmd.statementsPerRequest,
    commands_outside_requests_per_request: perReq(background),
  };
}

/** The load generator's process (the node process running bench/load.ts under this one). */
function findGenerator(): number | undefined {
  for (const [pid, cmd] of descendants(process.pid))
    if (cmd.includes('bench/load.ts') && !cmd.includes('cli.mjs')) return pid;
  return undefined;
}

/** The generator's figures as the latency table prints them. */
function latencyOf(load: LoadResult, rate: number | undefined, maxRps: number | undefined) {
  return {
    rate_rps: rate ?? Math.round(load.rps),
    max_rps: maxRps ? Math.round(maxRps) : null,
    requests: load.requests,
    p50_ms: load.p50_ms,
    p90_ms: load.p90_ms,
    p99_ms: load.p99_ms,
    p99_over_p50: load.p50_ms ? Math.round((load.p99_ms / load.p50_ms) * 10) / 10 : null,
    max_ms: load.max_ms,
    generator_late_p99_ms: load.send_late_ms?.[1] ?? null,
    generator_late_max_ms: load.send_late_ms?.[2] ?? null,
    errors: load.errors,
    graphql_errors: load.graphql_errors ?? 0,
  };
}

/** Background work in the hub, timed: the index worker's passes and the audit's batch writes. */
function watchBackground(hub: RunningHub): {
  passes: Array<{ at: number; ms: number }>;
  batches: Array<{ at: number; ms: number }>;
  stop(): void;
} {
  const passes: Array<{ at: number; ms: number }> = [];
  const batches: Array<{ at: number; ms: number }> = [];
  const timed = (obj: object, method: string, into: Array<{ at: number; ms: number }>) => {
    const o = obj as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const orig = o[method];
    o[method] = async function (this: unknown, ...a: unknown[]) {
      const at = Date.now();
      try {
        return await orig.apply(this, a);
      } finally {
        into.push({ at, ms: Date.now() - at });
      }
    };
    return () => {
      o[method] = orig;
    };
  };
  const undo = [timed(hub.auditWriter, 'writeBatch', batches)];
  if (hub.auditWriter.indexer) undo.push(timed(hub.auditWriter.indexer, 'passOnce', passes));
  return { passes, batches, stop: () => undo.forEach((u) => u()) };
}

/** Joins the generator's seconds with the hub's and the store's CPU, GC pauses and background work. */
function timelineOf(
  seconds: LoadSecond[],
  cpu: Array<{ at: number; hub: number; store: number }>,
  gc: Array<{ ms: number; at: number }>,
  ev: { passes: Array<{ at: number; ms: number }>; batches: Array<{ at: number; ms: number }> },
) {
  const within = <T extends { at: number }>(xs: T[], from: number) =>
    xs.filter((x) => x.at >= from && x.at < from + 1000);
  /** CPU % of a core over the sampler's interval that holds `at`. */
  const cpuAt = (at: number, k: 'hub' | 'store') => {
    const i = cpu.findIndex((c) => c.at > at);
    if (i <= 0) return null;
    const a = cpu[i - 1];
    const b = cpu[i];
    return Math.round(((b[k] - a[k]) / ((b.at - a.at) / 1000)) * 100);
  };
  const all = seconds.map((s, second) => ({ ...s, second })).filter((s) => s.requests > 0);
  /** The median second's p50 (close to the run's). */
  const runP50 = quantile(sorted(all.map((s) => s.p50_ms)), 0.5);
  const rows = all.map((s) => {
    const g = within(gc, s.at);
    const p = within(ev.passes, s.at);
    const b = within(ev.batches, s.at);
    return {
      second: s.second,
      requests: s.requests,
      p50_ms: s.p50_ms,
      max_ms: s.max_ms,
      hub_cpu_pct: cpuAt(s.at + 500, 'hub'),
      store_cpu_pct: cpuAt(s.at + 500, 'store'),
      gc_ms: Math.round(g.reduce((x, y) => x + y.ms, 0)),
      gc_max_ms: Math.round(Math.max(0, ...g.map((x) => x.ms))),
      index_passes: p.length,
      index_pass_max_ms: Math.max(0, ...p.map((x) => x.ms)),
      audit_batches: b.length,
      audit_batch_max_ms: Math.max(0, ...b.map((x) => x.ms)),
    };
  });
  const worst = [...rows].sort((a, b) => b.max_ms - a.max_ms).slice(0, 12);
  const slow = rows.filter((r) => r.max_ms > 5 * runP50);
  const rest = rows.filter((r) => r.max_ms <= 5 * runP50);
  const mean = (rs: typeof rows, k: keyof (typeof rows)[number]) =>
    rs.length ? Math.round((rs.reduce((x, r) => x + Number(r[k] ?? 0), 0) / rs.length) * 10) / 10 : null;
  const contrast = [slow, rest].map((rs, i) => ({
    seconds: i === 0 ? `slow (${rs.length})` : `others (${rs.length})`,
    requests: mean(rs, 'requests'),
    hub_cpu_pct: mean(rs, 'hub_cpu_pct'),
    store_cpu_pct: mean(rs, 'store_cpu_pct'),
    gc_ms: mean(rs, 'gc_ms'),
    gc_max_ms: mean(rs, 'gc_max_ms'),
    index_passes: mean(rs, 'index_passes'),
    index_pass_max_ms: mean(rs, 'index_pass_max_ms'),
    audit_batch_max_ms: mean(rs, 'audit_batch_max_ms'),
  }));
  const dist = (what: string, xs: Array<{ ms: number }>) => ({ what, ...durations(xs) });
  const background = [
    dist('audit batch write (insert, durable)', ev.batches),
    dist('index worker pass', ev.passes),
    dist('GC pause', gc),
  ];
  return { worst, contrast, background, seconds: rows };
}

/** The soak's figures, printed as tables. */
function printSoak(
  r: {
    latency: object;
    phases: unknown[];
    commands: unknown[];
    writes: object;
    cpu: object;
    loop: object;
    hubProfile?: { categories: unknown[]; functions: unknown[] };
  },
  requests: number,
  storeTop: string | undefined,
): void {
  console.log('\nLatency at the load generator (ms, from when each request was due)');
  console.table([r.latency]);
  console.log(`\nTime per request in the hub by phase (${requests} requests)`);
  console.table(r.phases);
  console.log('\nStore commands per request by kind (latency as the driver sees it)');
  console.table(r.commands);
  console.log('\nWrites per request');
  console.table([r.writes]);
  console.log('\nCPU (% of one core; the machine: % of all its cores)');
  console.table([r.cpu]);
  console.log('\nEvent loop delay and garbage collection in the hub');
  console.table([r.loop]);
  if (r.hubProfile) {
    console.log('\nHub CPU by category (self time, % of busy samples)');
    console.table(r.hubProfile.categories);
    console.log('\nHub CPU, top functions (self time)');
    console.table(r.hubProfile.functions);
  }
  if (storeTop) console.log(`\nStore CPU profile (Go pprof)\n${storeTop}`);
}

async function main(): Promise<void> {
  const o = options();
  let localDb: LocalDb | undefined;
  let uri = process.env.MONGODB_URI;
  const pprofAddr = o.storePprof && !uri ? `127.0.0.1:${await freePort()}` : undefined;
  /** With --trace: the store's GC cycles, from Go's gctrace on its stderr. */
  const storeGc: Interval[] = [];
  if (!uri) {
    localDb = await startLocalDb({
      dataDir: o.dataDir,
      port: 0,
      pprof: pprofAddr,
      env: { ...(o.trace ? { GODEBUG: 'gctrace=1' } : {}), ...o.storeEnv },
      onStderr: o.trace
        ? (line) => {
            const gc = gcTraceInterval(line, Date.now());
            if (gc) storeGc.push(gc);
          }
        : undefined,
    });
    uri = localDb.uri;
  }
  try {
    const seedStore = await Store.connect({ uri, dbPrefix: PREFIX });
    try {
      await seedOrReuse(seedStore, { citizens: o.citizens, seed: SOAK_DATA.seed }, 'profile', console.log);
    } finally {
      await seedStore.close();
    }
    const r = await profileSoak({ ...o, uri, storePid: localDb?.pid, pprofAddr, storeGc });
    if (o.out) writeFileSync(o.out, JSON.stringify(r, null, 2) + '\n');
  } finally {
    await localDb?.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
