/**
 * The shape of a soak's tail: which requests were slow, whether they came in bursts, and how many
 * of them were under way during one of the serving process's own garbage-collection pauses (or
 * were due just after one, in the queue it left). The soak (bench/resilience.ts) computes it for
 * the hub and for the bare baseline at half their own maximum, from the load generator's every
 * request (`raw`: when it was due, its latency) and the server process's GC pauses
 * (bench/hub-worker.ts).
 */
import { lastAtOrBefore, quantile } from './profile-probes';

/** One GC pause of the serving process: when it began (ms since the epoch), how long, its kind. */
export interface GcPause {
  at: number;
  ms: number;
  /** `minor` (a scavenge), `major` (mark-compact), `incremental` (a marking step), `weak` (callbacks). */
  kind: 'minor' | 'major' | 'incremental' | 'weak';
}

/** A request slower than this many times the run's p50 is slow. */
export const SLOW_FACTOR = 3;
/** Slow requests due within this of each other belong to one burst. */
export const BURST_GAP_MS = 250;
/** A burst is at least this many slow requests. */
export const BURST_MIN = 5;
/** A request due within this after a pause ended waits in the queue the pause left. */
export const AFTER_PAUSE_MS = 30;

export interface TailShape {
  p50_ms: number;
  p99_ms: number;
  /** Share of the requests over {@link SLOW_FACTOR} × p50. */
  slow_share: number;
  /** Share of the slow requests in bursts ({@link BURST_MIN} or more within {@link BURST_GAP_MS} of each other). */
  slow_in_bursts_share: number;
  bursts_per_s: number;
  /** Share of the slow requests under way during a GC pause, and of all requests. */
  slow_during_gc_share: number;
  all_during_gc_share: number;
  /** The same, counting also those due within {@link AFTER_PAUSE_MS} after a pause ended. */
  slow_during_or_after_gc_share: number;
  all_during_or_after_gc_share: number;
  scavenges_per_s: number;
  scavenge_p50_ms: number;
  scavenge_p99_ms: number;
  major_gcs: number;
}

const share = (n: number, of: number) => (of ? +(n / of).toFixed(3) : 0);
const round1 = (x: number) => +x.toFixed(1);

/**
 * `requests`: [due, latency ms] of each answered request (due in ms since the epoch); `pauses`:
 * the server's GC pauses over at least the same time.
 */
export function tailShape(requests: ReadonlyArray<readonly [number, number]>, pauses: readonly GcPause[]): TailShape {
  const sorted = [...requests].sort((a, b) => a[0] - b[0]);
  const latencies = sorted.map(([, ms]) => ms).sort((a, b) => a - b);
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  const slow = sorted.filter(([, ms]) => ms > SLOW_FACTOR * p50);
  const spanS = sorted.length > 1 ? (sorted[sorted.length - 1][0] - sorted[0][0]) / 1000 : 0;

  // Bursts: runs of slow requests each due within BURST_GAP_MS of the one before.
  let inBursts = 0;
  let bursts = 0;
  for (let i = 0; i < slow.length;) {
    let j = i + 1;
    while (j < slow.length && slow[j][0] - slow[j - 1][0] <= BURST_GAP_MS) j++;
    if (j - i >= BURST_MIN) {
      inBursts += j - i;
      bursts++;
    }
    i = j;
  }

  // Pause windows, sorted, and whether a request's lifetime [due, due + latency] meets one.
  const windows = (after: number) =>
    pauses.map((p) => [p.at, p.at + p.ms + after] as const).sort((a, b) => a[0] - b[0]);
  const meets = (ws: ReadonlyArray<readonly [number, number]>) => {
    const ends = maxEndsSoFar(ws);
    return ([due, ms]: readonly [number, number]) => {
      // The last window starting at or before the request's end; any window overlapping the
      // request is at or before it, and overlaps iff the latest end up to there reaches `due`.
      const k = lastAtOrBefore(ws, due + ms, (w) => w[0]);
      return k >= 0 && ends[k] >= due;
    };
  };
  const during = meets(windows(0));
  const duringOrAfter = meets(windows(AFTER_PAUSE_MS));
  const count = (xs: ReadonlyArray<readonly [number, number]>, f: (r: readonly [number, number]) => boolean) =>
    xs.reduce((n, r) => n + (f(r) ? 1 : 0), 0);

  const t0 = sorted[0]?.[0] ?? 0;
  const t1 = sorted.length ? sorted[sorted.length - 1][0] + sorted[sorted.length - 1][1] : 0;
  const inRun = pauses.filter((p) => p.at + p.ms >= t0 && p.at <= t1);
  const scavenges = inRun
    .filter((p) => p.kind === 'minor')
    .map((p) => p.ms)
    .sort((a, b) => a - b);
  return {
    p50_ms: round1(p50),
    p99_ms: round1(p99),
    slow_share: share(slow.length, sorted.length),
    slow_in_bursts_share: share(inBursts, slow.length),
    bursts_per_s: spanS ? +(bursts / spanS).toFixed(2) : 0,
    slow_during_gc_share: share(count(slow, during), slow.length),
    all_during_gc_share: share(count(sorted, during), sorted.length),
    slow_during_or_after_gc_share: share(count(slow, duringOrAfter), slow.length),
    all_during_or_after_gc_share: share(count(sorted, duringOrAfter), sorted.length),
    scavenges_per_s: spanS ? +(scavenges.length / spanS).toFixed(2) : 0,
    scavenge_p50_ms: round1(quantile(scavenges, 0.5)),
    scavenge_p99_ms: round1(quantile(scavenges, 0.99)),
    major_gcs: inRun.filter((p) => p.kind === 'major').length,
  };
}

/** `ends[k]`: the latest end among windows 0..k. */
function maxEndsSoFar(ws: ReadonlyArray<readonly [number, number]>): number[] {
  const ends: number[] = [];
  for (const [, end] of ws) ends.push(Math.max(end, ends[ends.length - 1] ?? -Infinity));
  return ends;
}

/** A line for the printed table. */
export function tailLine(t: TailShape): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    `slow (> ${SLOW_FACTOR}× p50) ${pct(t.slow_share)}, ${pct(t.slow_in_bursts_share)} of them in bursts (${t.bursts_per_s}/s); ` +
    `under way during a GC pause: ${pct(t.slow_during_gc_share)} of the slow, ${pct(t.all_during_gc_share)} of all; ` +
    `during or ≤ ${AFTER_PAUSE_MS} ms after: ${pct(t.slow_during_or_after_gc_share)} / ${pct(t.all_during_or_after_gc_share)}; ` +
    `scavenges ${t.scavenges_per_s}/s, p50 ${t.scavenge_p50_ms} / p99 ${t.scavenge_p99_ms} ms; major GCs ${t.major_gcs}`
  );
}
