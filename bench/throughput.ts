/**
 * Throughput sections of `npm run bench` (bench/run.ts): the hub against a bare node:http handler
 * doing the same store reads (`throughput`), and the policy on (tokens, disclosure policy, audit)
 * against the development mode (`policy`), closed loop with `connections` connections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../hub/config';
import { startHub } from '../hub/server';
import type { Store } from '../store/connection';
import { CITIZEN_ALL_PAPERS } from '../test/support/queries';
import { startBaseline } from './baseline';
import { runLoad, selfReaders, type LoadResult } from './common';

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/** Seconds of each slice of a paired measurement ({@link paired}). */
export const SLICE_S = 5;

/**
 * Seconds of load on each server before its slices: the bench's ~1,000 self-readers each served
 * about once, so that the slices measure a hub whose caches hold its callers rather than its first
 * seconds (an account's facts cost two store reads at its first request, then none for up to 60 s
 * while the account-change feed vouches for them, then one: services/access/account-feed.ts).
 */
export const WARM_S = 5;

/** A server under load: its URL and, when it takes tokens, one Authorization value per body. */
interface Target {
  url: string;
  auth?: string[];
}

/** One server's side of a paired measurement: what its slices add up to. */
interface PairedSide {
  /** All its requests over all its slices' time. */
  rps: number;
  requests: number;
  errors: number;
  /** The median slice's (by p50): a slice's percentiles cannot be pooled with another's. */
  p50_ms: number;
  p99_ms: number;
}

/**
 * Two servers measured against each other on a machine whose speed moves by tens of percent
 * between runs a minute apart (docs/benchmarks.md): both warmed ({@link WARM_S} each), then an even
 * number of slices of {@link SLICE_S} s for each, in the order A B B A A B B A … (a steady drift in
 * time weighs on both alike), about `durationS` of load for each (`warmed` is called between).
 * `settle` runs before every slice: what a server left to do in the background after its slice
 * (an audit writer's index and pointer) is done before the next one starts, in neither's time.
 * What each pair of slices gives, A over B, is kept beside the total.
 */
export async function paired(
  a: Target,
  b: Target,
  bodies: string[],
  o: { connections: number; durationS: number; warmed?: () => void; settle?: () => Promise<unknown> },
): Promise<{ a: PairedSide; b: PairedSide; pairRatios: number[]; seconds: number }> {
  const load = async (t: Target, s: number) => {
    await o.settle?.();
    return runLoad(t.url, bodies, s, o.connections, t.auth);
  };
  await load(a, WARM_S);
  await load(b, WARM_S);
  o.warmed?.();
  const n = 2 * Math.max(1, Math.round(o.durationS / (2 * SLICE_S)));
  const as: LoadResult[] = [];
  const bs: LoadResult[] = [];
  for (let i = 0; i < n; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const x = await load(first, SLICE_S);
    const y = await load(second, SLICE_S);
    as.push(first === a ? x : y);
    bs.push(first === a ? y : x);
  }
  const side = (slices: LoadResult[]): PairedSide => {
    const requests = slices.reduce((t, r) => t + r.requests, 0);
    const seconds = slices.reduce((t, r) => t + (r.rps > 0 ? r.requests / r.rps : SLICE_S), 0);
    const mid = [...slices].sort((x, y) => x.p50_ms - y.p50_ms)[Math.floor((slices.length - 1) / 2)];
    return {
      rps: requests / seconds,
      requests,
      errors: slices.reduce((t, r) => t + r.errors, 0),
      p50_ms: mid.p50_ms,
      p99_ms: mid.p99_ms,
    };
  };
  return {
    a: side(as),
    b: side(bs),
    pairRatios: as.map((x, i) => +(x.rps / bs[i].rps).toFixed(2)),
    seconds: n * SLICE_S,
  };
}

/**
 * The single-citizen all-papers query through the hub (at `hubUrl`) and through the bare baseline,
 * in alternating slices ({@link paired}).
 */
export async function benchThroughput(o: {
  hubUrl: string;
  store: Store;
  bodies: string[];
  connections: number;
  durationS: number;
}) {
  const baseline = await startBaseline(o.store);
  let m: Awaited<ReturnType<typeof paired>>;
  try {
    m = await paired({ url: `${o.hubUrl}/graphql` }, { url: baseline.url }, o.bodies, o);
  } finally {
    await baseline.close();
  }
  const { a: hub, b: base } = m;
  const throughput = {
    hub_rps: Math.round(hub.rps),
    baseline_rps: Math.round(base.rps),
    ratio: +(hub.rps / base.rps).toFixed(2),
    slice_ratios: m.pairRatios,
    hub_p50_ms: hub.p50_ms,
    hub_p99_ms: hub.p99_ms,
    baseline_p50_ms: base.p50_ms,
    baseline_p99_ms: base.p99_ms,
    hub_errors: hub.errors,
    connections: o.connections,
    duration_s: m.seconds,
    slice_s: SLICE_S,
  };
  table('Throughput, single-citizen all-papers query (alternating slices; latency: the median slice)', [
    { target: 'hub (GraphQL)', rps: throughput.hub_rps, p50_ms: hub.p50_ms, p99_ms: hub.p99_ms, errors: hub.errors },
    {
      target: 'baseline (node:http)',
      rps: throughput.baseline_rps,
      p50_ms: base.p50_ms,
      p99_ms: base.p99_ms,
      errors: base.errors,
    },
  ]);
  console.log(`hub / baseline = ${throughput.ratio} (slice pairs: ${m.pairRatios.join(', ')})`);
  return throughput;
}

/**
 * The same query by each citizen about themself, with tokens, the disclosure policy and the audit
 * (on) vs the development mode without them (off): both hubs up at once in this process, measured
 * in alternating slices ({@link paired}); `rounds` times, the round with the median ratio kept,
 * every round's ratio listed.
 */
export async function benchPolicy(o: {
  store: Store;
  env: Record<string, string>;
  connections: number;
  durationS: number;
  /** How many times on and off are measured (a positive whole number: bench/run.ts checks `--rounds`). */
  rounds: number;
}) {
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-bench-keys-'));
  const { bodies, tokens } = await selfReaders(o.store, keysDir, CITIZEN_ALL_PAPERS);
  const rounds: Array<{ on: PairedSide; off: PairedSide; pairs: number[]; auditWrites: number; ratio: number }> = [];
  const logger = pino({ level: 'silent' });
  try {
    for (let r = 0; r < o.rounds; r++) {
      const on = await startHub(
        { config: loadConfig({ ...o.env, HUB_AUTH: 'on', HUB_KEYS_DIR: keysDir }), store: o.store, logger },
        { port: 0, host: '127.0.0.1' },
      );
      try {
        const off = await startHub(
          { config: loadConfig({ ...o.env, HUB_AUTH: 'off' }), store: o.store, logger },
          { port: 0, host: '127.0.0.1' },
        );
        try {
          let writesBefore = 0;
          const warmed = () => (writesBefore = on.auditWriter.writes);
          const settle = () => Promise.all([on.auditWriter.flush(), off.auditWriter.flush()]);
          const m = await paired({ url: `${on.url}/graphql`, auth: tokens }, { url: `${off.url}/graphql` }, bodies, {
            ...o,
            warmed,
            settle,
          });
          // The on hub's writes from its first measured slice on (its warm-up's are not counted).
          const auditWrites = on.auditWriter.writes - writesBefore;
          rounds.push({ on: m.a, off: m.b, pairs: m.pairRatios, auditWrites, ratio: m.a.rps / m.b.rps });
        } finally {
          await off.stop();
        }
      } finally {
        await on.stop();
      }
      const last = rounds[rounds.length - 1];
      console.log(
        `policy round ${r + 1}: on ${Math.round(last.on.rps)} / off ${Math.round(last.off.rps)} req/s = ${last.ratio.toFixed(2)} (slice pairs: ${last.pairs.join(', ')})`,
      );
    }
  } finally {
    rmSync(keysDir, { recursive: true, force: true });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
  const { on: onLoad, off: offLoad } = median;
  const policy = {
    on_rps: Math.round(onLoad.rps),
    off_rps: Math.round(offLoad.rps),
    ratio: +median.ratio.toFixed(2),
    slice_ratios: median.pairs,
    on_p50_ms: onLoad.p50_ms,
    on_p99_ms: onLoad.p99_ms,
    off_p50_ms: offLoad.p50_ms,
    off_p99_ms: offLoad.p99_ms,
    on_errors: onLoad.errors,
    audit_writes_per_request: +(median.auditWrites / Math.max(1, onLoad.requests)).toFixed(3),
    slice_s: SLICE_S,
    ...(rounds.length > 1 ? { ratios: rounds.map((x) => +x.ratio.toFixed(2)) } : {}),
  };
  table(
    'Policy on (tokens, disclosure policy, audit) vs off (development mode), all-papers query by the citizen (alternating slices; latency: the median slice)',
    [
      {
        mode: 'on',
        rps: policy.on_rps,
        p50_ms: onLoad.p50_ms,
        p99_ms: onLoad.p99_ms,
        errors: onLoad.errors,
        audit_writes_per_request: policy.audit_writes_per_request,
      },
      { mode: 'off', rps: policy.off_rps, p50_ms: offLoad.p50_ms, p99_ms: offLoad.p99_ms, errors: offLoad.errors },
    ],
  );
  console.log(`on / off = ${policy.ratio}${policy.ratios ? ` (rounds: ${policy.ratios.join(', ')})` : ''}`);
  return policy;
}
