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

/** A 2 s warm-up, then the measured run. */
async function measure(
  url: string,
  bodies: string[],
  o: { connections: number; durationS: number },
  auth?: string[],
): Promise<LoadResult> {
  await runLoad(url, bodies, 2, o.connections, auth);
  return runLoad(url, bodies, o.durationS, o.connections, auth);
}

/** The single-citizen all-papers query through the hub (at `hubUrl`) and through the bare baseline. */
export async function benchThroughput(o: {
  hubUrl: string;
  store: Store;
  bodies: string[];
  connections: number;
  durationS: number;
}) {
  const hubLoad = await measure(`${o.hubUrl}/graphql`, o.bodies, o);
  const baseline = await startBaseline(o.store);
  const baseLoad = await measure(baseline.url, o.bodies, o);
  await baseline.close();
  const throughput = {
    hub_rps: Math.round(hubLoad.rps),
    baseline_rps: Math.round(baseLoad.rps),
    ratio: +(hubLoad.rps / baseLoad.rps).toFixed(2),
    hub_p50_ms: hubLoad.p50_ms,
    hub_p99_ms: hubLoad.p99_ms,
    baseline_p50_ms: baseLoad.p50_ms,
    baseline_p99_ms: baseLoad.p99_ms,
    hub_errors: hubLoad.errors,
    connections: o.connections,
    duration_s: o.durationS,
  };
  table('Throughput, single-citizen all-papers query', [
    {
      target: 'hub (GraphQL)',
      rps: throughput.hub_rps,
      p50_ms: hubLoad.p50_ms,
      p99_ms: hubLoad.p99_ms,
      errors: hubLoad.errors,
    },
    {
      target: 'baseline (node:http)',
      rps: throughput.baseline_rps,
      p50_ms: baseLoad.p50_ms,
      p99_ms: baseLoad.p99_ms,
      errors: baseLoad.errors,
    },
  ]);
  console.log(`hub / baseline = ${throughput.ratio}`);
  return throughput;
}

/**
 * The same query by each citizen about themself, with tokens, the disclosure policy and the audit
 * (on) vs the development mode without them (off); `rounds` times, on and off interleaved (a busy
 * machine moves the figures between runs): the round with the median ratio is kept, every
 * round's ratio listed.
 */
export async function benchPolicy(o: {
  store: Store;
  env: Record<string, string>;
  connections: number;
  durationS: number;
  rounds?: number;
}) {
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-bench-keys-'));
  const { bodies, tokens } = await selfReaders(o.store, keysDir, CITIZEN_ALL_PAPERS);
  const rounds: Array<{ on: LoadResult; off: LoadResult; auditWrites: number; ratio: number }> = [];
  try {
    for (let r = 0; r < Math.max(1, o.rounds ?? 1); r++) {
      const on = await startHub(
        {
          config: loadConfig({ ...o.env, HUB_AUTH: 'on', HUB_KEYS_DIR: keysDir }),
          store: o.store,
          logger: pino({ level: 'silent' }),
        },
        { port: 0, host: '127.0.0.1' },
      );
      await runLoad(`${on.url}/graphql`, bodies, 2, o.connections, tokens); // warm-up
      const writesBefore = on.auditWriter.writes;
      const onLoad = await runLoad(`${on.url}/graphql`, bodies, o.durationS, o.connections, tokens);
      const auditWrites = on.auditWriter.writes - writesBefore; // measured run only
      await on.stop();
      const off = await startHub(
        { config: loadConfig({ ...o.env, HUB_AUTH: 'off' }), store: o.store, logger: pino({ level: 'silent' }) },
        { port: 0, host: '127.0.0.1' },
      );
      const offLoad = await measure(`${off.url}/graphql`, bodies, o);
      await off.stop();
      rounds.push({ on: onLoad, off: offLoad, auditWrites, ratio: onLoad.rps / offLoad.rps });
      if ((o.rounds ?? 1) > 1)
        console.log(
          `policy round ${r + 1}: on ${Math.round(onLoad.rps)} / off ${Math.round(offLoad.rps)} req/s = ${(onLoad.rps / offLoad.rps).toFixed(2)}`,
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
    on_p50_ms: onLoad.p50_ms,
    on_p99_ms: onLoad.p99_ms,
    off_p50_ms: offLoad.p50_ms,
    off_p99_ms: offLoad.p99_ms,
    on_errors: onLoad.errors,
    audit_writes_per_request: +(median.auditWrites / Math.max(1, onLoad.requests)).toFixed(3),
    ...(rounds.length > 1 ? { ratios: rounds.map((x) => +x.ratio.toFixed(2)) } : {}),
  };
  table('Policy on (tokens, disclosure policy, audit) vs off (development mode), all-papers query by the citizen', [
    {
      mode: 'on',
      rps: policy.on_rps,
      p50_ms: onLoad.p50_ms,
      p99_ms: onLoad.p99_ms,
      errors: onLoad.errors,
      audit_writes_per_request: policy.audit_writes_per_request,
    },
    { mode: 'off', rps: policy.off_rps, p50_ms: offLoad.p50_ms, p99_ms: offLoad.p99_ms, errors: offLoad.errors },
  ]);
  console.log(`on / off = ${policy.ratio}${policy.ratios ? ` (rounds: ${policy.ratios.join(', ')})` : ''}`);
  return policy;
}
