/**
 * `bench:profile --trace`: what each slow request overlapped, request by request.
 *
 * The per-second timeline (`--timeline`) is too coarse for stalls of tens of milliseconds. This
 * samples every 10 ms, from /proc/<pid>/task/<tid>/schedstat (time on a CPU and time waiting on a
 * run queue, in ns), the hub's main thread, the store's threads and the load generator's; it also
 * keeps the hub's event-loop gaps (this sampler runs on the hub's loop, so a late sample is a
 * blocked loop), and takes the hub's GC pauses, the store's Go GC cycles (GODEBUG=gctrace=1 on its
 * stderr), the audit's batch writes and the index worker's passes as intervals. Each request
 * (when it was due, its latency, from the load generator) is then joined with what overlapped its
 * lifetime, and the slowest 1 % compared with the middle of the distribution.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { selfTimes, type CpuProfile, type CpuProfiler } from './profile-cpu';
import { durations } from './profile-probes';

export interface Interval {
  at: number;
  ms: number;
}

/** One 10 ms sample: ns on a CPU / waiting for one, so far, of each watched group of threads. */
interface Sample {
  at: number;
  hubRun: number;
  hubWait: number;
  /** The hub's other threads (V8's GC helpers and concurrent marking, libuv's pool). */
  hubOtherRun: number;
  storeRun: number;
  storeWait: number;
  genRun: number;
  genWait: number;
}

/**
 * `run wait` ns summed over the threads of `pid`, and those of its main thread apart (its tid is
 * the pid); zeros when it is gone.
 */
function schedstat(pid: number): { run: number; wait: number; mainRun: number; mainWait: number } {
  const out = { run: 0, wait: 0, mainRun: 0, mainWait: 0 };
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      const [r, w] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
      out.run += r;
      out.wait += w;
      if (Number(t) === pid) [out.mainRun, out.mainWait] = [r, w];
    } catch {
      /* the thread is gone */
    }
  }
  return out;
}

/**
 * A Go `gctrace` line (`gc 12 @3.456s 2%: 0.01+12+0.02 ms clock, …`), printed as a cycle ends,
 * as the cycle's interval: it ended `receivedAt` (the pipe's delay is well under a millisecond).
 */
export function gcTraceInterval(line: string, receivedAt: number): Interval | null {
  const m = /^gc \d+ @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock/.exec(line);
  if (!m) return null;
  const ms = Number(m[1]) + Number(m[2]) + Number(m[3]);
  return { at: receivedAt - ms, ms };
}

export class Tracer {
  private timer?: NodeJS.Timeout;
  readonly samples: Sample[] = [];
  /** Gaps of the hub's loop: a 10 ms sample that came > 15 ms late. */
  readonly loopGaps: Interval[] = [];
  /** The load generator's process (found at the first sample after it starts). */
  private genPid?: number;

  constructor(
    private readonly storePid: number | undefined,
    private readonly findGenerator: () => number | undefined,
  ) {}

  start(): void {
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (now - last > 25) this.loopGaps.push({ at: performance.timeOrigin + last + 10, ms: now - last - 10 });
      last = now;
      this.genPid ??= this.findGenerator();
      const none = { run: 0, wait: 0 };
      const hub = schedstat(process.pid);
      const store = this.storePid ? schedstat(this.storePid) : none;
      const gen = this.genPid ? schedstat(this.genPid) : none;
      this.samples.push({
        at: performance.timeOrigin + now,
        hubRun: hub.mainRun,
        hubWait: hub.mainWait,
        hubOtherRun: hub.run - hub.mainRun,
        storeRun: store.run,
        storeWait: store.wait,
        genRun: gen.run,
        genWait: gen.wait,
      });
    };
    tick();
    this.timer = setInterval(tick, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** ms of `xs` that fall within [from, to). */
function overlap(xs: readonly Interval[], from: number, to: number): number {
  let ms = 0;
  for (const x of xs) {
    const a = Math.max(from, x.at);
    const b = Math.min(to, x.at + x.ms);
    if (b > a) ms += b - a;
  }
  return ms;
}

/** The growth of a sampled counter over [from, to), interpolated within samples; ns → ms. */
function counterOver(samples: readonly Sample[], k: keyof Omit<Sample, 'at'>, from: number, to: number): number {
  let ns = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (b.at <= from || a.at >= to) continue;
    const span = b.at - a.at;
    if (span <= 0) continue;
    const part = (Math.min(to, b.at) - Math.max(from, a.at)) / span;
    ns += (b[k] - a[k]) * part;
  }
  return ns / 1e6;
}

/**
 * Each request joined with what overlapped it; the slowest 1 % against the middle (p40–p60).
 * `requests`: [due (ms since the epoch), latency ms].
 */
export function traceReport(
  requests: ReadonlyArray<[number, number]>,
  tracer: Tracer,
  ev: { hubGc: Interval[]; storeGc: Interval[]; batches: Interval[]; passes: Interval[] },
) {
  const first = tracer.samples[0]?.at ?? 0;
  const last = tracer.samples[tracer.samples.length - 1]?.at ?? 0;
  const rows = requests
    .filter(([due, ms]) => due >= first && due + ms <= last)
    .map(([due, ms]) => {
      const to = due + ms;
      const r = (x: number) => Math.round(x * 10) / 10;
      return {
        due,
        latency_ms: r(ms),
        hub_on_cpu_ms: r(counterOver(tracer.samples, 'hubRun', due, to)),
        hub_runqueue_ms: r(counterOver(tracer.samples, 'hubWait', due, to)),
        hub_other_threads_on_cpu_ms: r(counterOver(tracer.samples, 'hubOtherRun', due, to)),
        store_on_cpu_ms: r(counterOver(tracer.samples, 'storeRun', due, to)),
        store_runqueue_ms: r(counterOver(tracer.samples, 'storeWait', due, to)),
        gen_runqueue_ms: r(counterOver(tracer.samples, 'genWait', due, to)),
        hub_gc_ms: r(overlap(ev.hubGc, due, to)),
        hub_loop_gap_ms: r(overlap(tracer.loopGaps, due, to)),
        store_gc_cycle_ms: r(overlap(ev.storeGc, due, to)),
        audit_batch_ms: r(overlap(ev.batches, due, to)),
        index_pass_ms: r(overlap(ev.passes, due, to)),
      };
    })
    .sort((a, b) => a.latency_ms - b.latency_ms);
  type Row = Omit<(typeof rows)[number], 'due'>;
  const shown = ({ due, ...row }: (typeof rows)[number]): Row => (void due, row);
  const mean = (rs: Array<(typeof rows)[number]>, label: string) => {
    const out: Record<string, number | string> = { requests: label };
    for (const k of Object.keys(rs[0] ?? {}).filter((x) => x !== 'due') as Array<keyof Row>)
      out[k] = rs.length ? Math.round((rs.reduce((s, x) => s + x[k], 0) / rs.length) * 10) / 10 : 0;
    /** How often each kind of event overlaps a request at all. */
    for (const k of ['hub_gc_ms', 'store_gc_cycle_ms', 'audit_batch_ms', 'index_pass_ms', 'hub_loop_gap_ms'] as const)
      out[`${k.replace(/_ms$/, '')}_share`] = rs.length
        ? Math.round((rs.filter((x) => x[k] > 0).length / rs.length) * 100) / 100
        : 0;
    return out;
  };
  const n = rows.length;
  const slow = rows.slice(Math.floor(n * 0.99));
  const middle = rows.slice(Math.floor(n * 0.4), Math.floor(n * 0.6));
  const p90to99 = rows.slice(Math.floor(n * 0.9), Math.floor(n * 0.99));
  const slowWindows = slow.map((x): [number, number] => [x.due, x.due + x.latency_ms]);
  return {
    slowWindows,
    contrast: [
      mean(middle, `p40–p60 (${middle.length})`),
      mean(p90to99, `p90–p99 (${p90to99.length})`),
      mean(slow, `slowest 1 % (${slow.length})`),
    ],
    slowest: rows.slice(-15).reverse().map(shown),
    events: {
      hub_gc: durations(ev.hubGc),
      hub_loop_gaps: durations(tracer.loopGaps),
      store_gc_cycles: durations(ev.storeGc),
      audit_batches: durations(ev.batches),
      index_passes: durations(ev.passes),
    },
  };
}

/**
 * The hub's main thread in the union of `windows` (ms since the epoch) against the whole profile:
 * self time by category and the top functions, ms and % of each. `startedAt`: the profile's start
 * on the epoch clock.
 */
export function profileInWindows(p: CpuProfile, startedAt: number, windows: ReadonlyArray<[number, number]>) {
  const merged: Array<[number, number]> = [];
  for (const [a, b] of [...windows].sort((x, y) => x[0] - y[0])) {
    const lastW = merged[merged.length - 1];
    if (lastW && a <= lastW[1]) lastW[1] = Math.max(lastW[1], b);
    else merged.push([a, b]);
  }
  // Samples come in time order: one pointer walks the merged windows.
  let w = 0;
  const inWindow = (us: number) => {
    const at = startedAt + us / 1000;
    while (w < merged.length && merged[w][1] < at) w++;
    return w < merged.length && merged[w][0] <= at;
  };
  const inside = selfTimes(p, { idle: true, keep: inWindow });
  const all = selfTimes(p, { idle: true });
  const spanMs = merged.reduce((s, [a, b]) => s + (b - a), 0);
  const pct = (us: number, of: number) => Math.round((us / Math.max(1, of)) * 1000) / 10;
  const categories = [...inside.categories]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([category, us]) => ({
      category,
      in_slow_windows_ms: Math.round(us / 100) / 10,
      in_slow_windows_pct: pct(us, inside.total),
      whole_run_pct: pct(all.categories.get(category) ?? 0, all.total),
    }));
  const functions = [...inside.functions]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([fn, us]) => ({ function: fn, in_slow_windows_ms: Math.round(us / 100) / 10, pct: pct(us, inside.total) }));
  return { windows_ms: Math.round(spanMs), windows: merged.length, categories, functions };
}

/** Prints a {@link traceReport}; with the hub's CPU profile, what its main thread did in the slowest 1 %. */
export function printTrace(t: ReturnType<typeof traceReport>, profiler?: CpuProfiler): void {
  console.log('\nWhat requests overlapped (ms of each within their lifetime; *_share: how many overlapped it at all)');
  console.table(t.contrast);
  console.log('\nThe slowest requests');
  console.table(t.slowest);
  console.log('\nIntervals seen');
  console.table(t.events);
  if (!profiler?.last) return;
  const w = profileInWindows(profiler.last, profiler.startedAt, t.slowWindows);
  console.log(`\nThe hub's main thread during the slowest 1 % (${w.windows} windows, ${w.windows_ms} ms in all)`);
  console.table(w.categories);
  console.table(w.functions);
}
