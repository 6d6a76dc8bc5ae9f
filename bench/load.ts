/**
 * Load generator, run as its own process so that it does not share the event
 * loop of the server it measures. Reads a JSON job from the file named by argv[2], prints one JSON
 * result line. Only ever targets 127.0.0.1.
 *
 * Two modes:
 * - as fast as possible (no `rate`): autocannon, each connection sending its next request when
 *   the previous answer arrives (closed loop) — the maximum throughput;
 * - at a constant rate (`rate`): an open-loop generator of its own, one request every
 *   1/rate s, evenly spaced, on at most `connections` keep-alive sockets. Latency is measured from
 *   the moment a request was *due*, so time spent waiting for a free socket counts (no
 *   coordinated omission). autocannon's `overallRate` is not used for this: it lets each
 *   connection send its share of a second's requests back to back at the start of every second
 *   (a counter reset by a 1 s interval), so a "constant" 150 req/s arrives as bursts of 16 and the
 *   latencies it reports are those of the bursts.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

interface Job {
  url: string;
  /** Request bodies, used round-robin. */
  bodies: string[];
  /** Optional per-body Authorization header values (same length as bodies). */
  authorizations?: string[];
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** Requests per second across all connections (a constant rate); unset: as fast as possible. */
  rate?: number;
  /** Constant-rate mode: also return the latencies second by second (by when each was due). */
  timeline?: boolean;
  /** Constant-rate mode: also return every answered request as [due, ms since the epoch; latency ms]. */
  raw?: boolean;
}

/** One second of a constant-rate run (requests by when they were due). */
export interface LoadSecond {
  /** The second's start, ms since the epoch (this machine's clock, as the hub's). */
  at: number;
  requests: number;
  p50_ms: number;
  max_ms: number;
}

/** One run's result (the JSON line printed). */
export interface LoadOut {
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  /** Transport errors, timeouts and non-2xx answers. */
  errors: number;
  /** 2xx answers whose GraphQL body carries `errors` (constant-rate mode only). */
  graphql_errors?: number;
  /** The errors by HTTP status, GraphQL `extensions.code` or transport error (constant-rate mode only). */
  error_kinds?: Record<string, number>;
  /** With `timeline`: each second of the run. */
  timeline?: LoadSecond[];
  /** With `raw`: every answered request, [when it was due (ms since the epoch), latency ms]. */
  raw?: Array<[number, number]>;
  /**
   * Constant-rate mode: how late this generator sent requests (ms after they were due: its own
   * event loop and its share of the cores), p50 / p99 / max. Counted in the latencies above.
   */
  send_late_ms?: [number, number, number];
}

const REQUEST_TIMEOUT_MS = 10_000;

/** The `q` quantile of ascending `sorted` (1: the largest), to 0.1 ms; 0 when empty. */
function at(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
}

const ascending = (xs: number[]) => xs.sort((a, b) => a - b);

/** The answered requests by the second they were due in: count, p50, max. */
function bySecond(dueAndLatency: Array<[number, number]>, epoch0: number): LoadSecond[] {
  const seconds: number[][] = [];
  for (const [due, ms] of dueAndLatency) (seconds[Math.floor(due / 1000)] ??= []).push(ms);
  return Array.from(seconds, (xs, i) => {
    const v = ascending(xs ?? []);
    return { at: epoch0 + i * 1000, requests: v.length, p50_ms: at(v, 0.5), max_ms: at(v, 1) };
  });
}

/** The constant-rate (open-loop) mode; see the file's comment. */
function paced(job: Job, u: URL): Promise<LoadOut> {
  const rate = job.rate!;
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const intervalMs = 1000 / rate;
  const total = Math.max(1, Math.round(rate * job.durationS));
  const latencies: number[] = [];
  /** With `timeline`: [due offset ms, latency ms] of every answered request. */
  const dueAndLatency: Array<[number, number]> = [];
  const lateness: number[] = [];
  let errors = 0;
  let graphqlErrors = 0;
  const errorKinds: Record<string, number> = {};
  const count = (kind: string): void => {
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  let sent = 0;
  let settled = 0;
  const t0 = performance.now();
  const epoch0 = performance.timeOrigin + t0; // ms since the epoch, as precise as t0
  return new Promise((resolve) => {
    const finish = (): void => {
      if (++settled < total) return;
      agent.destroy();
      const elapsedS = (performance.now() - t0) / 1000;
      ascending(latencies);
      ascending(lateness);
      resolve({
        rps: Math.round((latencies.length / elapsedS) * 10) / 10,
        p50_ms: at(latencies, 0.5),
        p90_ms: at(latencies, 0.9),
        p99_ms: at(latencies, 0.99),
        max_ms: at(latencies, 1),
        requests: settled,
        errors,
        graphql_errors: graphqlErrors,
        error_kinds: errorKinds,
        ...(job.timeline ? { timeline: bySecond(dueAndLatency, epoch0) } : {}),
        ...(job.raw ? { raw: dueAndLatency.map(([due, ms]): [number, number] => [epoch0 + due, ms]) } : {}),
        send_late_ms: [at(lateness, 0.5), at(lateness, 0.99), at(lateness, 1)],
      });
    };
    const fire = (k: number, dueAt: number): void => {
      const auth = job.authorizations?.[k % job.bodies.length];
      const body = job.bodies[k % job.bodies.length];
      let done = false;
      const fail = (err?: NodeJS.ErrnoException): void => {
        if (done) return;
        done = true;
        errors++;
        count(`transport: ${err?.code ?? err?.message ?? 'aborted'}`);
        finish();
      };
      const req = request(
        {
          agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(job.headers ?? {}),
            ...(auth ? { authorization: auth } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            if (done) return;
            done = true;
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
            if (status < 200 || status > 299) {
              errors++;
              count(`${status}${code ? ` ${code}` : ''}`);
            } else {
              const ms = performance.now() - dueAt;
              latencies.push(ms);
              if (job.timeline || job.raw) dueAndLatency.push([dueAt - t0, ms]);
              if (text.includes('"errors":')) {
                graphqlErrors++;
                count(`200 ${code ?? 'GraphQL error'}`);
              }
            }
            finish();
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', fail);
      req.end(body);
    };
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && t0 + sent * intervalMs <= now) {
        lateness.push(performance.now() - (t0 + sent * intervalMs));
        fire(sent, t0 + sent * intervalMs);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * intervalMs - performance.now()));
    };
    tick();
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
  const u = new URL(job.url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error('load tests target loopback only');
  if (job.rate) {
    process.stdout.write(JSON.stringify(await paced(job, u)) + '\n');
    return;
  }
  let i = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(job.headers ?? {}) },
        setupRequest: (req) => {
          const k = i++ % job.bodies.length;
          const auth = job.authorizations?.[k];
          return { ...req, body: job.bodies[k], headers: auth ? { ...req.headers, authorization: auth } : req.headers };
        },
      },
    ],
  });
  const out: LoadOut = {
    rps: result.requests.average,
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});
