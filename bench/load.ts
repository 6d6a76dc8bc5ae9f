/**
 * Load generator, run as its own process so that it does not share the event
 * loop of the server it measures. Reads a JSON job from the file named by argv[2], prints one JSON
 * result line. Only ever targets 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
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
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
  const u = new URL(job.url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error('load tests target loopback only');
  let i = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    ...(job.rate ? { overallRate: job.rate } : {}),
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
  const out = {
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
