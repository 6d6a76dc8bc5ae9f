/**
 * What the browser benches (app-load.ts, workbench-load.ts) stand on: the app built, an embedded
 * store of their own in a temporary folder, a hub on 127.0.0.1 over it (development keys of its
 * own, no rate limits, no sweeps) and Debian's Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium); `--runs N` (default 5) read from the command line. Everything is closed
 * when `fn` ends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../hub/config';
import { startHub, type RunningHub } from '../hub/server';
import { ensureAppBuilt } from '../scripts/app-build';
import { Store } from '../store/connection';
import { withStandaloneStore } from './common';

export interface BrowserBench {
  store: Store;
  hub: RunningHub;
  browser: Browser;
  /** The hub's development keys (to sign tokens of the development identity provider). */
  keysDir: string;
  runs: number;
}

/** The median of some figures. */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function withBrowserBench(
  name: string,
  dbPrefix: string,
  fn: (b: BrowserBench) => Promise<void>,
): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Math.max(1, Number(values.runs));
  await ensureAppBuilt({ quiet: true });
  await withStandaloneStore(mkdtempSync(join(tmpdir(), `hub-bench-${name}-`)), async (uri) => {
    const store = await Store.connect({ uri, dbPrefix, maxPoolSize: 16 });
    const keysDir = mkdtempSync(join(tmpdir(), 'hub-bench-keys-'));
    const base = { NODE_ENV: 'development', MONGODB_URI: uri, HUB_DB_PREFIX: dbPrefix, LOG_LEVEL: 'silent' };
    const hub = await startHub(
      {
        config: loadConfig({ ...base, HUB_KEYS_DIR: keysDir, HUB_RATE_LIMITS: 'off', HUB_SWEEP_AT: 'off' }),
        store,
        logger: pino({ level: 'silent' }),
      },
      { port: 0, host: '127.0.0.1' },
    );
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    try {
      await fn({ store, hub, browser, keysDir, runs });
    } finally {
      await browser.close();
      await hub.stop();
      await store.close();
    }
  });
}
