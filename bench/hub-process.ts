/**
 * A hub in a process of its own (bench/hub-worker.ts), as it runs when deployed: its heap, its
 * garbage collector and its event loop are not the bench's, which seeded the data and ran the
 * sections before. The soak (bench/resilience.ts) measures it so.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../store/localdb';

export interface HubProcess {
  url: string;
  pid: number;
  /** The process's memory right after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

/** Starts a hub with these settings (hub/config.ts names) on a free loopback port. */
export async function startHubProcess(settings: Record<string, string>): Promise<HubProcess> {
  const port = await freePort();
  const child = fork(join(__dirname, 'hub-worker.ts'), [], {
    env: { ...process.env, HUB_BENCH_CONFIG: JSON.stringify(settings), HUB_BENCH_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`the hub process exited with ${code} before it was ready`));
    child.once('exit', exited);
    child.once('message', () => {
      child.off('exit', exited);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    memory: () =>
      new Promise((resolve) => {
        const answer = (m: { memory?: NodeJS.MemoryUsage }) => {
          if (!m?.memory) return;
          child.off('message', answer);
          resolve(m.memory);
        };
        child.on('message', answer);
        child.send({ memory: true });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ stop: true });
      }),
  };
}
