import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The embedded store: FerretDB (MongoDB wire protocol, SQLite handler) in the
 * small Go program under localdb/. Built with the machine's Go on first use and
 * cached in localdb/bin; rebuilt when its sources change.
 */

const LOCALDB_DIR = resolve(__dirname, '..', 'localdb');
const BINARY = join(LOCALDB_DIR, 'bin', 'localdb');
const PATCHED_DIR = join(LOCALDB_DIR, 'bin', 'patched');
const SOURCES = [
  'main.go',
  'idindex.go',
  'go.mod',
  'go.sum',
  'patch/resource.go.in',
  'patch/sjson_fast.go.in',
  'patch/replacements.json',
];
const FERRETDB = 'github.com/FerretDB/FerretDB';

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

function go(args: string[], capture = false): string {
  const r = spawnSync(goBinary(), args, {
    cwd: LOCALDB_DIR,
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (r.status !== 0) throw new Error(`localdb: go ${args[0]} failed (exit ${r.status})`);
  return capture ? r.stdout.trim() : '';
}

/** Makes a copied tree writable (the module cache's files and folders are read-only). */
function makeWritable(path: string): void {
  chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) makeWritable(join(path, e));
}

/**
 * FerretDB's module with localdb/patch applied (see its README): a copy of the module cache's
 * tree under localdb/bin (git-ignored), the module cache itself untouched, and a go.mod for the
 * build that points FerretDB at the copy. Returns that go.mod.
 */
function patchedModule(): string {
  go(['mod', 'download', FERRETDB]);
  const dir = go(['list', '-m', '-f', '{{.Dir}}', FERRETDB], true);
  const copy = join(PATCHED_DIR, 'ferretdb');
  rmSync(PATCHED_DIR, { recursive: true, force: true });
  mkdirSync(PATCHED_DIR, { recursive: true });
  cpSync(dir, copy, { recursive: true });
  makeWritable(copy);
  const sjson = join(copy, 'internal', 'handler', 'sjson', 'sjson.go');
  const resource = join(copy, 'internal', 'util', 'resource', 'resource.go');
  const original = readFileSync(sjson, 'utf8');
  const signature = 'func Unmarshal(data []byte) (*types.Document, error) {';
  if (original.split(signature).length !== 2 || !existsSync(resource)) {
    throw new Error(`localdb: ${FERRETDB} in ${dir} is not the version localdb/patch expects (v1.24.2)`);
  }
  writeFileSync(sjson, original.replace(signature, 'func unmarshalSlow(data []byte) (*types.Document, error) {'));
  copyFileSync(join(LOCALDB_DIR, 'patch', 'sjson_fast.go.in'), join(dirname(sjson), 'fast_unmarshal_hub.go'));
  copyFileSync(join(LOCALDB_DIR, 'patch', 'resource.go.in'), resource);
  applyReplacements(copy, dir);
  const mod = join(PATCHED_DIR, 'go.build.mod');
  writeFileSync(mod, readFileSync(join(LOCALDB_DIR, 'go.mod'), 'utf8') + `\nreplace ${FERRETDB} => ${copy}\n`);
  copyFileSync(join(LOCALDB_DIR, 'go.sum'), join(PATCHED_DIR, 'go.build.sum'));
  return mod;
}

/**
 * The text replacements of localdb/patch/replacements.json, in the module copy: each `find` must
 * occur exactly once in its file (else the module is not the version the patch set expects).
 */
function applyReplacements(copy: string, from: string): void {
  const spec = JSON.parse(readFileSync(join(LOCALDB_DIR, 'patch', 'replacements.json'), 'utf8')) as {
    replacements: { file: string; why: string; find: string; replace: string }[];
  };
  for (const r of spec.replacements) {
    const file = join(copy, r.file);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.split(r.find).length !== 2) {
      throw new Error(`localdb: ${r.file} of ${FERRETDB} in ${from} is not what patch ${r.why} expects (v1.24.2)`);
    }
    writeFileSync(
      file,
      text.replace(r.find, () => r.replace),
    );
  }
}

/** Builds localdb/bin/localdb when missing or stale; returns its path. */
export function ensureLocalDbBuilt(log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): string {
  if (!isStale()) return BINARY;
  log('localdb: building the embedded FerretDB store with Go (first run takes a minute or two)...');
  const mod = patchedModule();
  go(['build', '-trimpath', `-modfile=${mod}`, '-o', BINARY, '.']);
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
  /** Extra environment of the store process (e.g. LOCALDB_SJSON_VERIFY=1). */
  env?: Record<string, string>;
  /** Receives the store's standard error (its own log), line by line. */
  onStderr?: (line: string) => void;
  /** Serve Go's profiler (net/http/pprof) on this `127.0.0.1:<port>` address (bench/profile.ts). Default off. */
  pprof?: string;
  /** The store's log level (debug, info, warn, error). Default warn. */
  logLevel?: string;
  /**
   * Databases of derived data, by the end of their name, whose commits are not synced to disk
   * (see localdb/patch: `relaxed-sync`). Default {@link RELAXED_SYNC_DBS}.
   */
  relaxedSyncDbs?: readonly string[];
  /**
   * Collections whose string `_id` ranges are read through an index (see localdb/patch:
   * `id-range`), as `db.collection` (the database by the end of its name) or a bare collection
   * name. Default {@link ID_RANGE_COLLECTIONS}.
   */
  idRangeCollections?: readonly string[];
}

/**
 * The citizens' access-log index (Store.indexDb, any prefix): derived from the audit log, which the
 * index worker reads again from its checkpoints (kept in the same database) after a crash.
 */
export const RELAXED_SYNC_DBS: readonly string[] = ['hubindex'];

/**
 * The access-log index's collection of one small document per entry, in Store.indexDb, read one
 * citizen at a time by a string range of `_id` (`find({_id: {$gte, $lt}})`, `deleteMany` alike).
 */
export const AUDIT_BY_CITIZEN_ENTRIES = 'auditByCitizenEntries';

/**
 * The collections the embedded store indexes for string ranges of `_id` (LOCALDB_ID_RANGE_COLLECTIONS,
 * localdb/patch: `id-range`): `db.collection`, the database by the end of its name (any prefix, as for
 * {@link RELAXED_SYNC_DBS}). Only these: the index costs every insert into its collection. The
 * pushdown itself serves every collection; elsewhere it filters a table scan.
 */
/**
 * The account-change feed (services/access/account-feed.ts), in Store.hubDb: one document per
 * announced change, read from an instant on (`find({_id: {$gte}})`) every quarter second by each hub.
 */
export const ACCOUNT_CHANGES = 'accountChanges';

export const ID_RANGE_COLLECTIONS: readonly string[] = [
  `hubindex.${AUDIT_BY_CITIZEN_ENTRIES}`,
  `hub.${ACCOUNT_CHANGES}`,
];

/**
 * Starts the embedded store and resolves once it accepts connections. The child
 * exits on its own if this process dies (it watches its standard input).
 */
export async function startLocalDb(opts: LocalDbOptions = {}): Promise<LocalDb> {
  const bin = ensureLocalDbBuilt();
  const dataDir = resolve(opts.dataDir ?? '.data/localdb');
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 27018);
  const args = [
    '-port',
    String(port),
    '-data',
    dataDir,
    ...(opts.pprof ? ['-pprof', opts.pprof] : []),
    ...(opts.logLevel ? ['-log-level', opts.logLevel] : []),
  ];
  const child = spawn(bin, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      // Go's collector at 4× the live heap instead of 2× (GOGC=100): the store allocates a great
      // deal per command and its live heap is small; a 30 s soak at 100 req/s took 3.1–3.3 instead
      // of 3.7 ms of store CPU per request, at ~170 MB RSS (docs/benchmarks.md). GOGC overrides it.
      GOGC: process.env.GOGC ?? '400',
      ...process.env,
      LOCALDB_RELAXED_SYNC_DBS: (opts.relaxedSyncDbs ?? RELAXED_SYNC_DBS).join(','),
      LOCALDB_ID_RANGE_COLLECTIONS: (opts.idRangeCollections ?? ID_RANGE_COLLECTIONS).join(','),
      ...opts.env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  if (opts.onStderr) createInterface({ input: child.stderr }).on('line', opts.onStderr);
  const uri = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`localdb did not start within ${opts.timeoutMs ?? 60_000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout });
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
