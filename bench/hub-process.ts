/**
 * A hub in a process of its own (bench/hub-worker.ts), as it runs when deployed: its heap, its
 * garbage collector and its event loop are not the bench's, which seeded the data and ran the
 * sections before. The soak (bench/resilience.ts) measures it so. The child exits when this
 * process goes away (its IPC channel closes).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../store/localdb';
import type { GcPause } from './tail-shape';

export interface HubProcess {
  url: string;
  pid: number;
  /** The process's memory right after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Its garbage-collection pauses since the last call (or since it started). */
  gcPauses(): Promise<GcPause[]>;
  /** Stops the hub (killed if it has not exited 15 s after being asked). */
  stop(): Promise<void>;
}

/**
 * Starts a hub with these settings (hub/config.ts names) on a free loopback port; with `baseline`,
 * the bare baseline (bench/baseline.ts) on the same store instead, in the same kind of process.
 */
export async function startHubProcess(settings: Record<string, string>, baseline = false): Promise<HubProcess> {
  const port = await freePort();
  const child = fork(join(__dirname, 'hub-worker.ts'), [], {
    env: {
      ...process.env,
      HUB_BENCH_CONFIG: JSON.stringify(settings),
      HUB_BENCH_PORT: String(port),
      HUB_BENCH_BASELINE: baseline ? '1' : '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let failure: Error | null = null;
  child.on('error', (err) => (failure ??= err));
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitedWhy = () => failure ?? new Error(`the hub process exited (${child.exitCode ?? child.signalCode})`);
  const running = () => child.exitCode === null && child.signalCode === null && child.connected;
  await Promise.race([
    new Promise<void>((resolve) => child.once('message', () => resolve())),
    gone.then(() => Promise.reject(exitedWhy())),
  ]);
  /** Sends `{ [key]: true }` and resolves with the answer's `key`. */
  const ask = <T>(key: 'memory' | 'gcPauses'): Promise<T> => {
    if (!running()) return Promise.reject(exitedWhy());
    return Promise.race([
      new Promise<T>((resolve) => {
        const answer = (m: Record<string, unknown>) => {
          if (!m || !(key in m)) return;
          child.off('message', answer);
          resolve(m[key] as T);
        };
        child.on('message', answer);
        child.send({ [key]: true });
      }),
      gone.then(() => Promise.reject(exitedWhy())),
    ]);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    memory: () => ask<NodeJS.MemoryUsage>('memory'),
    gcPauses: () => ask<GcPause[]>('gcPauses'),
    stop: async () => {
      if (running()) child.send({ stop: true });
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      if (child.exitCode === null && child.signalCode === null) await gone;
      clearTimeout(kill);
    },
  };
}
