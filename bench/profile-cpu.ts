/**
 * CPU profiles for `npm run bench:profile`: the hub's (V8's sampling profiler through the
 * inspector, in this process, where the hub runs) and the embedded store's (Go's pprof, served by
 * `localdb -pprof`), each saved and summarised.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = relative(process.cwd(), `${__dirname}/..`) || '.';

/** Where a frame's code lives: a package, Node itself, a folder of this project, or V8's own. */
export function categoryOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const path = relative(process.cwd(), url.replace(/^file:\/\//, ''));
  return `project: ${path.split('/')[0]}/`;
}

/** A running V8 CPU profile of this process. */
export class CpuProfiler {
  private readonly session = new Session();
  /** When the profile began (ms since the epoch): its first sample's clock, for --trace. */
  startedAt = 0;
  /** The last profile taken (for --trace). */
  last?: CpuProfile;

  async start(intervalUs = 500): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.session.post('Profiler.start');
    this.startedAt = performance.timeOrigin + performance.now();
  }

  /** Stops, writes the profile (open it in Chrome DevTools or speedscope) and returns its summary. */
  async stop(
    file: string,
  ): Promise<{ categories: Array<Record<string, unknown>>; functions: Array<Record<string, unknown>> }> {
    const { profile } = (await this.session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    this.session.disconnect();
    this.last = profile;
    writeFileSync(file, JSON.stringify(profile));
    return summarise(profile);
  }
}

/** A frame's name as the tables print it: function, then file:line relative to the project. */
export function frameName(c: { functionName: string; url: string; lineNumber: number }): string {
  const where = c.url ? `${relative(ROOT, c.url.replace(/^file:\/\//, ''))}:${c.lineNumber + 1}` : '';
  return `${c.functionName || '(anonymous)'} ${where}`.trim();
}

/**
 * Self time (µs) of each frame name and category, and in all: idle left out unless `idle`; only
 * the samples `keep` accepts (given each sample's time, µs since the profile began, in order).
 */
export function selfTimes(
  p: CpuProfile,
  opts: { idle?: boolean; keep?: (usSinceStart: number) => boolean } = {},
): { functions: Map<string, number>; categories: Map<string, number>; total: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const categories = new Map<string, number>();
  let total = 0;
  let t = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    t += us;
    const c = byId.get(id)!.callFrame;
    if ((!opts.idle && c.functionName === '(idle)') || (opts.keep && !opts.keep(t))) return;
    const name = frameName(c);
    functions.set(name, (functions.get(name) ?? 0) + us);
    const cat = categoryOf(c.url, c.functionName);
    categories.set(cat, (categories.get(cat) ?? 0) + us);
    total += us;
  });
  return { functions, categories, total };
}

/**
 * Total (inclusive) time (µs) of each frame name: every sample counts once for each distinct
 * frame name on its stack (a recursive function once), idle left out. What a function and
 * everything it called ran, synchronously: the CPU a piece of work costs, however V8 inlined it.
 */
export function totalTimes(p: CpuProfile): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = frameName(byId.get(n)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      out.set(name, (out.get(name) ?? 0) + us);
    }
  });
  return out;
}

export type { CpuProfile };

/** Self time by category and the top functions, in % of the samples that were not idle. */
export function summarise(p: CpuProfile): {
  categories: Array<Record<string, unknown>>;
  functions: Array<Record<string, unknown>>;
} {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let busy = 0;
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const cat = categoryOf(url, functionName);
    cats.set(cat, (cats.get(cat) ?? 0) + us);
    const where = url ? `${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  const top = (m: Map<string, number>, n: number, label: string) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ [label]: k, self_pct: pct(us), self_s: Math.round(us / 1e4) / 100 }));
  return { categories: top(cats, 20, 'category'), functions: top(fns, 25, 'function') };
}

/** Fetches a Go CPU profile of `seconds` from a `-pprof` address and saves it; the top as text (if Go is here). */
export async function storeProfile(addr: string, seconds: number, file: string): Promise<string> {
  const res = await fetch(`http://${addr}/debug/pprof/profile?seconds=${seconds}`);
  if (!res.ok) throw new Error(`pprof: HTTP ${res.status}`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  for (const go of ['go', '/usr/local/go/bin/go']) {
    try {
      const { stdout } = await promisify(execFile)(go, ['tool', 'pprof', '-top', '-nodecount=30', file], {
        maxBuffer: 8 << 20,
      });
      return stdout;
    } catch {
      /* next */
    }
  }
  return `(saved ${file}; no Go here to print it: go tool pprof -top ${file})`;
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/**
 * Where this process allocates: V8's sampling heap profiler, counting the objects the garbage
 * collector has already freed too (young objects are what the scavenges copy and what they cost).
 */
export class AllocProfiler {
  private readonly session = new Session();

  /**
   * `promoted`: only what survived the scavenges (promoted to the old generation, freed later by a
   * major GC or not): what makes scavenges long and major GCs frequent.
   */
  async start(samplingInterval = 16_384, promoted = false): Promise<void> {
    this.session.connect();
    await this.session.post('HeapProfiler.enable');
    await this.session.post('HeapProfiler.startSampling', {
      samplingInterval,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: !promoted,
    });
  }

  /** Stops, writes the profile (.heapprofile: Chrome DevTools) and returns bytes by category and function. */
  async stop(
    file: string,
    requests: number,
  ): Promise<{ categories: Array<Record<string, unknown>>; functions: Array<Record<string, unknown>> }> {
    const { profile } = (await this.session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: HeapNode };
    };
    this.session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    const cats = new Map<string, number>();
    const fns = new Map<string, number>();
    const walk = (n: HeapNode) => {
      const { functionName, url, lineNumber } = n.callFrame;
      if (n.selfSize) {
        const cat = categoryOf(url, functionName);
        cats.set(cat, (cats.get(cat) ?? 0) + n.selfSize);
        const where = url ? `${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
        const key = `${functionName || '(anonymous)'} ${where}`.trim();
        fns.set(key, (fns.get(key) ?? 0) + n.selfSize);
      }
      n.children.forEach(walk);
    };
    walk(profile.head);
    const total = [...cats.values()].reduce((a, b) => a + b, 0);
    const top = (m: Map<string, number>, n: number, label: string) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, b]) => ({
          [label]: k,
          pct: Math.round((b / Math.max(1, total)) * 1000) / 10,
          kb_per_request: Math.round(b / 1024 / Math.max(1, requests)),
        }));
    return { categories: top(cats, 15, 'category'), functions: top(fns, 30, 'function') };
  }
}
