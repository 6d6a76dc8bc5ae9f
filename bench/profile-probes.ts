/**
 * The probes of `npm run bench:profile` (bench/profile.ts): where a request's time goes (phases,
 * from the hub's own process), what it asks of the store (driver command monitoring), the CPU
 * of the hub, the store and everything else on the machine (/proc), the event loop's delay and
 * the garbage collector's pauses. Bench-only: nothing here is imported by the hub.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { MongoClient } from 'mongodb';
import type { RunningHub } from '../hub/server';

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** The q-quantile of sorted numbers (0 when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Index of the last element of `sorted` (ascending by `key`) whose key is ≤ `x`; −1 when none. */
export function lastAtOrBefore<T>(sorted: readonly T[], x: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(sorted[mid]) <= x) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** How long intervals of one kind lasted (ms): how many, p50 / p90 / p99, the longest. */
export function durations(xs: ReadonlyArray<{ ms: number }>) {
  const v = sortNum(xs.map((x) => x.ms));
  return {
    count: v.length,
    p50_ms: round(quantile(v, 0.5)),
    p90_ms: round(quantile(v, 0.9)),
    p99_ms: round(quantile(v, 0.99)),
    max_ms: round(v[v.length - 1] ?? 0),
  };
}

/** A request's timeline (ms, performance.now()). */
interface Trace {
  arrival: number;
  firstCommand?: number;
  /** Last end of a hub-database read before the first source read (account, consent, client). */
  accessEnd?: number;
  sourceStart?: number;
  sourceEnd?: number;
  append?: number;
  durable?: number;
  finish?: number;
  commands: number;
}

/** The databases of the five sources (unprefixed). */
const SOURCE_DBS = new Set(['pop', 'gplx', 'bhyt', 'bhxh', 'ehr']);

/** The phases a request's time is cut into, in order. */
export const PHASES = [
  'auth, parse, validate (to the first store command)',
  'access lookups (account / consent / client reads)',
  'source reads (population and the four others)',
  'execution after the reads (resolvers, policy, audit record built)',
  'audit wait (durable record)',
  'response sent',
] as const;

/**
 * Times each request of the hub by phase. Arrival and the response's end are seen on the HTTP
 * server; the store commands a request makes are attributed to it through an AsyncLocalStorage
 * entered when it arrives; the audit wait through the writer's `append`.
 */
export class PhaseTracker {
  readonly als = new AsyncLocalStorage<Trace>();
  private readonly byId = new Map<string, Trace>();
  private done: Trace[] = [];
  private seq = 0;
  on = false;
  /** Commands issued outside any request (background work: group commit, index, pointers). */
  background = 0;

  attach(hub: RunningHub): void {
    hub.httpServer.prependListener('request', (req, res) => {
      if (!this.on || req.url !== '/graphql') return;
      const id = `prof-${++this.seq}`;
      req.headers['x-request-id'] = id;
      const t: Trace = { arrival: performance.now(), commands: 0 };
      this.byId.set(id, t);
      // The request's own work (Express, Apollo, resolvers, driver calls) runs in this context.
      this.als.enterWith(t);
      res.once('finish', () => {
        t.finish = performance.now();
        this.byId.delete(id);
        if (this.on) this.done.push(t);
      });
    });
    const writer = hub.auditWriter;
    const append = writer.append.bind(writer);
    writer.append = (entry) => {
      const t = this.byId.get(entry.requestId);
      if (t) t.append = performance.now();
      return append(entry).then((r) => {
        if (t) t.durable = performance.now();
        return r;
      });
    };
  }

  /** A store command started or ended (from {@link CommandStats}). */
  command(db: string, phase: 'start' | 'end', at: number): void {
    const t = this.als.getStore();
    if (!t || t.append !== undefined) {
      if (phase === 'start') this.background++;
      return;
    }
    if (phase === 'start') {
      t.commands++;
      t.firstCommand ??= at;
      if (SOURCE_DBS.has(db)) t.sourceStart ??= at;
    } else if (SOURCE_DBS.has(db)) {
      t.sourceEnd = Math.max(t.sourceEnd ?? 0, at);
    } else if (t.sourceStart === undefined) {
      t.accessEnd = Math.max(t.accessEnd ?? 0, at);
    }
  }

  reset(): void {
    this.done = [];
    this.background = 0;
  }

  /** Per phase: mean, p50, p99 over every request, and the mean over the slowest 1 %. */
  summary(): { requests: number; rows: Array<Record<string, string | number>> } {
    const rows: number[][] = [];
    for (const t of this.done) {
      if (t.finish === undefined) continue;
      const end = t.finish;
      const append = t.append ?? end;
      const durable = t.durable ?? append;
      const first = Math.min(t.firstCommand ?? append, append);
      const access = Math.min(Math.max(t.accessEnd ?? first, first), append);
      const sources = Math.min(Math.max(t.sourceEnd ?? access, access), append);
      const marks = [t.arrival, first, access, sources, append, durable, end];
      const phases = marks.slice(1).map((m, i) => Math.max(0, m - marks[i]));
      rows.push([...phases, end - t.arrival]);
    }
    const totals = sortNum(rows.map((r) => r[r.length - 1]));
    const p99 = quantile(totals, 0.99);
    const slow = rows.filter((r) => r[r.length - 1] >= p99);
    const out: Array<Record<string, string | number>> = [];
    const names = [...PHASES, 'total (arrival to last byte)'];
    names.forEach((name, i) => {
      const xs = sortNum(rows.map((r) => r[i]));
      const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const slowMean = slow.reduce((a, r) => a + r[i], 0) / Math.max(1, slow.length);
      out.push({
        phase: name,
        mean_ms: round(mean, 2),
        p50_ms: round(quantile(xs, 0.5), 2),
        p99_ms: round(quantile(xs, 0.99), 2),
        slowest_1pct_mean_ms: round(slowMean, 2),
      });
    });
    return { requests: rows.length, rows: out };
  }
}

interface CommandKind {
  count: number;
  /** Documents written or statements run (an insert's documents, an update's or delete's statements; a find: 1). */
  statements: number;
  ms: number[];
}

/** How many documents or statements a command carries. */
function statementsOf(name: string, command: Record<string, unknown>): number {
  const list = name === 'insert' ? command.documents : name === 'update' ? command.updates : command.deletes;
  return Array.isArray(list) ? list.length : 1;
}

/**
 * Store commands by kind (`insert hub.audit`, `find pop.congDan`...), with their latency as the
 * driver sees it (queueing in the store included), from the driver's command monitoring.
 */
export class CommandStats {
  private readonly kinds = new Map<string, CommandKind>();
  private readonly inFlight = new Map<number, { kind: string; db: string; at: number; statements: number }>();
  on = false;

  constructor(
    client: MongoClient,
    prefix: string,
    private readonly phases?: PhaseTracker,
  ) {
    const unprefixed = (db: string) => (db.startsWith(prefix) ? db.slice(prefix.length) : db);
    client.on('commandStarted', (e) => {
      if (!this.on) return;
      const db = unprefixed(e.databaseName);
      const target = (e.command as Record<string, unknown>)[e.commandName];
      const coll = typeof target === 'string' ? `.${target}` : '';
      const at = performance.now();
      const statements = statementsOf(e.commandName, e.command);
      this.inFlight.set(e.requestId, { kind: `${e.commandName} ${db}${coll}`, db, at, statements });
      this.phases?.command(db, 'start', at);
    });
    const ended = (e: { requestId: number }) => {
      const s = this.inFlight.get(e.requestId);
      if (!s) return;
      this.inFlight.delete(e.requestId);
      const at = performance.now();
      let k = this.kinds.get(s.kind);
      if (!k) this.kinds.set(s.kind, (k = { count: 0, statements: 0, ms: [] }));
      k.count++;
      k.statements += s.statements;
      k.ms.push(at - s.at);
      this.phases?.command(s.db, 'end', at);
    };
    client.on('commandSucceeded', ended);
    client.on('commandFailed', ended);
  }

  reset(): void {
    this.kinds.clear();
  }

  /** Commands per request by kind (most frequent first), with mean and p99 latency. */
  summary(requests: number): {
    perRequest: number;
    statementsPerRequest: number;
    rows: Array<Record<string, string | number>>;
  } {
    const rows = [...this.kinds]
      .filter(([kind]) => !kind.startsWith('hello') && !kind.startsWith('ismaster'))
      .sort((a, b) => b[1].count - a[1].count)
      .map(([kind, k]) => {
        const ms = sortNum(k.ms);
        return {
          command: kind,
          per_request: round(k.count / Math.max(1, requests), 3),
          statements_per_request: round(k.statements / Math.max(1, requests), 3),
          mean_ms: round(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length), 2),
          p99_ms: round(quantile(ms, 0.99), 2),
        };
      });
    return {
      perRequest: round(
        rows.reduce((n, r) => n + r.per_request, 0),
        2,
      ),
      statementsPerRequest: round(
        rows.reduce((n, r) => n + r.statements_per_request, 0),
        2,
      ),
      rows,
    };
  }
}

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat; null when it is gone. */
export function procCpuS(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** A process's resident set, from /proc/<pid>/status (VmRSS, in kB); null when it is gone. */
export function procRssBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
function machineCpuS(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = cpu[3] + cpu[4]; // idle, iowait
  return { busy: (total - idle) / 100, total: total / 100 };
}

export function descendants(root: number): Map<number, string> {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = new Map<number, string>();
  const add = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid || out.has(child)) continue;
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        /* gone */
      }
      out.set(child, cmd);
      add(child);
    }
  };
  add(root);
  return out;
}

/**
 * CPU of the hub (this process), the embedded store, the load generator (this process's other
 * descendants) and the rest of the machine, sampled every second.
 */
export class CpuSampler {
  private timer?: NodeJS.Timeout;
  private t0 = 0;
  private hub0 = process.cpuUsage();
  private machine0 = machineCpuS();
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, { s: number; store: boolean }>();
  /** Each sample: when (ms since the epoch), and the hub's and the store's CPU seconds so far. */
  readonly samples: Array<{ at: number; hub: number; store: number }> = [];

  /** `hubPids`: hub processes other than this one (bench/hubs.ts), counted as the hub. */
  constructor(
    private readonly storePid?: number,
    private readonly hubPids: ReadonlySet<number> = new Set(),
  ) {}

  private sample(first: boolean): void {
    for (const [pid, cmd] of descendants(process.pid)) {
      const s = procCpuS(pid);
      if (s === null) continue;
      if (first) this.base.set(pid, s);
      this.last.set(pid, { s, store: pid === this.storePid || cmd.includes('localdb') });
    }
    const own = process.cpuUsage();
    let store = 0;
    for (const v of this.last.values()) if (v.store) store += v.s;
    this.samples.push({ at: Date.now(), hub: (own.user + own.system) / 1e6, store });
  }

  start(): void {
    this.t0 = performance.now();
    this.hub0 = process.cpuUsage();
    this.machine0 = machineCpuS();
    this.base.clear();
    this.last.clear();
    this.samples.length = 0;
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 1000);
  }

  /** % of one core each, over the time since start (the machine: % of all its cores). */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample(false);
    const wall = (performance.now() - this.t0) / 1000;
    const hubUse = process.cpuUsage(this.hub0);
    const hub = (hubUse.user + hubUse.system) / 1e6;
    let store = 0;
    let load = 0;
    let hubs = 0;
    for (const [pid, { s, store: isStore }] of this.last) {
      const used = s - (this.base.get(pid) ?? 0);
      if (isStore) store += used;
      else if (this.hubPids.has(pid)) hubs += used;
      else load += used;
    }
    const m = machineCpuS();
    const busy = m.busy - this.machine0.busy;
    const cores = (m.total - this.machine0.total) / wall;
    const pct = (s: number) => Math.round((s / wall) * 100);
    return {
      hub_pct: pct(hub + hubs),
      store_pct: pct(store),
      load_generator_pct: pct(load),
      other_processes_pct: pct(Math.max(0, busy - hub - hubs - store - load)),
      machine_busy_pct: Math.round((busy / (wall * cores)) * 100),
    };
  }
}

/** The event loop's delay and the garbage collector's pauses over a window. */
export class LoopProbe {
  private eld: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** The pauses of the last run: kind, length, and when it began (ms since the epoch). */
  gc: Array<{ kind: number; ms: number; at: number }> = [];
  private readonly obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.gc.push({
        kind: (e as { detail?: { kind?: number } }).detail?.kind ?? 0,
        ms: e.duration,
        at: performance.timeOrigin + e.startTime,
      });
    }
  });

  start(): void {
    this.eld = monitorEventLoopDelay({ resolution: 10 });
    this.eld.enable();
    this.gc = [];
    this.obs.observe({ entryTypes: ['gc'] });
  }

  stop(wallS: number): Record<string, number> {
    this.eld.disable();
    this.obs.disconnect();
    const ms = (ns: number) => round(ns / 1e6, 1);
    const pauses = sortNum(this.gc.map((g) => g.ms));
    const major = this.gc.filter((g) => g.kind === 2 || g.kind === 4);
    const total = pauses.reduce((a, b) => a + b, 0);
    return {
      eld_p50_ms: ms(this.eld.percentile(50)),
      eld_p99_ms: ms(this.eld.percentile(99)),
      eld_max_ms: ms(this.eld.max),
      gc_pauses: pauses.length,
      gc_major: major.length,
      gc_total_ms: Math.round(total),
      gc_pct_of_wall: round((total / (wallS * 1000)) * 100, 2),
      gc_p99_ms: round(quantile(pauses, 0.99), 1),
      gc_max_ms: round(pauses[pauses.length - 1] ?? 0, 1),
    };
  }
}
