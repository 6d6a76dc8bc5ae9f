/**
 * Builds the citizen app (app/ → app/dist, Vite) and records in app/dist/build.json a hash of what
 * it was built from, so that `npm start` rebuilds only a missing or stale build.
 *
 *   npm run app:build                 build
 *   tsx scripts/app-build.ts --if-stale   build only when missing or stale (npm start)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
export const APP_DIST = join(ROOT, 'app', 'dist');
const STAMP = join(APP_DIST, 'build.json');
/** What the build reads: the app's sources, its generated operations, and the packages' versions. */
const INPUTS = ['app/index.html', 'app/vite.config.ts', 'app/tsconfig.json', 'app/public', 'app/src', 'generated/app'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** A hash of every input file (path and content) and of the installed vite and preact versions. */
export function appInputsHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap((p) => files(join(ROOT, p)))) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  for (const pkg of ['vite', 'preact']) {
    const manifest = join(ROOT, 'node_modules', pkg, 'package.json');
    h.update(existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : '-');
  }
  return h.digest('hex');
}

/** True when app/dist holds a build of the current inputs. */
export function appBuildIsFresh(): boolean {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { inputs?: string };
    return stamp.inputs === appInputsHash() && existsSync(join(APP_DIST, 'index.html'));
  } catch {
    return false;
  }
}

/** Runs Vite's build; resolves when it succeeded. */
export function buildApp(opts: { quiet?: boolean } = {}): Promise<void> {
  const inputs = appInputsHash();
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', join(ROOT, 'app', 'vite.config.ts')], {
      cwd: ROOT,
      // A production build whoever runs it (jest sets NODE_ENV=test, which would turn Vite's PROD off).
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: opts.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`vite build exited with ${code}`));
      precompress();
      writeFileSync(STAMP, JSON.stringify({ inputs, builtAt: new Date().toISOString() }, null, 2) + '\n');
      resolve();
    });
  });
}

/** Text files worth compressing (the hub serves `<file>.br` or `.gz` to browsers that accept them). */
const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

/** Writes a brotli and a gzip copy beside each text file of the build (hub/routes/app.ts serves them). */
function precompress(): void {
  for (const f of files(APP_DIST).filter((p) => COMPRESSIBLE.test(p))) {
    const raw = readFileSync(f);
    writeFileSync(
      `${f}.br`,
      brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
    );
    writeFileSync(`${f}.gz`, gzipSync(raw, { level: 9 }));
  }
}

/** Builds the app when its build is missing or stale; returns whether it built. */
export async function ensureAppBuilt(opts: { quiet?: boolean } = {}): Promise<boolean> {
  if (appBuildIsFresh()) return false;
  await buildApp(opts);
  return true;
}

if (require.main === module) {
  const run = process.argv.includes('--if-stale') ? ensureAppBuilt() : buildApp().then(() => true);
  run.catch((err: unknown) => {
    process.stderr.write(`app:build: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
