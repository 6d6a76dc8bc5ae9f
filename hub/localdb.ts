import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The embedded store: FerretDB (MongoDB wire protocol, SQLite handler) in the
 * small Go program under localdb/. Built with the machine's Go on first use and
 * cached in localdb/bin; rebuilt when its sources change.
 */

const LOCALDB_DIR = resolve(__dirname, '..', 'localdb');
const BINARY = join(LOCALDB_DIR, 'bin', 'localdb');
const SOURCES = ['main.go', 'idindex.go', 'go.mod', 'go.sum'];

function goBinary(): string {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    const r = spawnSync(candidate, ['version'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  throw new Error('Go is needed to build the embedded store (localdb/); install Go 1.24+ or set MONGODB_URI');
}

function isStale(): boolean {
  if (!existsSync(BINARY)) return true;
  const built = statSync(BINARY).mtimeMs;
  return SOURCES.some((f) => statSync(join(LOCALDB_DIR, f)).mtimeMs > built);
}

/** Builds localdb/bin/localdb when missing or stale; returns its path. */
export function ensureLocalDbBuilt(log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): string {
  if (!isStale()) return BINARY;
  log('localdb: building the embedded FerretDB store with Go (first run takes a minute or two)...');
  const r = spawnSync(goBinary(), ['build', '-trimpath', '-o', BINARY, '.'], {
    cwd: LOCALDB_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (r.status !== 0) throw new Error(`localdb: go build failed (exit ${r.status})`);
  return BINARY;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

export interface LocalDb {
  /** mongodb:// URI of the running store. */
  uri: string;
  pid: number;
  /** Stops the store (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface LocalDbOptions {
  /** Data directory. Default `.data/localdb`. */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 picks a free one. Default 27018. */
  port?: number;
  /** Startup timeout. Default 60 s. */
  timeoutMs?: number;
}

/**
 * Starts the embedded store and resolves once it accepts connections. The child
 * exits on its own if this process dies (it watches its standard input).
 */
export async function startLocalDb(opts: LocalDbOptions = {}): Promise<LocalDb> {
  const bin = ensureLocalDbBuilt();
  const dataDir = resolve(opts.dataDir ?? '.data/localdb');
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 27018);
  const child = spawn(bin, ['-port', String(port), '-data', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const uri = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`localdb did not start within ${opts.timeoutMs ?? 60_000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`localdb exited (code ${code}) before it was ready: ${stderr.trim()}`));
    });
  });
  return { uri, pid: child.pid!, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      res();
    });
    child.kill('SIGTERM');
  });
}
