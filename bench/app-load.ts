/**
 * The citizen app's first load and its time to the papers screen, in Debian's Chromium
 * (playwright-core; CHROMIUM_PATH, default /usr/bin/chromium) at phone size, on a hub of its own
 * over the embedded store (300 seeded citizens, prefix `benchapp_`, reused when present):
 *
 *   npm run bench:app [-- --runs 7]
 *
 * - first load: every response of the cold load of /app/papers (no cache, no service worker),
 *   bytes on the wire (compressed bodies: the hub sends the build's brotli copies) and decoded;
 * - time to the papers screen: from the navigation's start to the app's `papers-shown` mark (the
 *   GraphQL query of all papers answered and every card rendered), on the page's clock, a
 *   signed-in citizen, cold and warm (the service worker's shell cache), median and worst of `--runs`;
 * prints a table and merges `app` into bench/results/latest.json.
 */
import type { Browser } from 'playwright-core';
import { devIdpKey, issueDevToken } from '../services/access/auth/dev-idp';
import type { AccountDoc } from '../services/accounts/store';
import { mergeResults, seedOrReuse } from './common';
import { median, withBrowserBench } from './browser-hub';

const PREFIX = 'benchapp_';
const CARDS = [
  'identity-card',
  'residence',
  'family',
  'driving-licence',
  'health-insurance',
  'social-insurance',
  'health-record',
];

interface Resource {
  name: string;
  transferSize: number;
  encodedBodySize: number;
  decodedBodySize: number;
}

/** One load of /app/papers signed in; the time until every card is shown, and what came over the wire. */
async function loadOnce(
  browser: Browser,
  url: string,
  session: string,
  warm: boolean,
): Promise<{ ms: number; resources: Resource[]; graphqlMs: number }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
  await context.addInitScript((s: string) => {
    (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(
      'app.session',
      s,
    );
  }, session);
  const page = await context.newPage();
  const waitForCards = () =>
    Promise.all(CARDS.map((c) => page.locator(`[data-card="${c}"]`).waitFor({ timeout: 30_000 })));
  if (warm) {
    // A first visit installs the service worker and its shell cache; the measured one is the next.
    await page.goto(`${url}/app/papers`);
    await waitForCards();
    await page.evaluate(
      () =>
        (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }).navigator.serviceWorker
          .ready,
    );
  }
  await page.goto(`${url}/app/papers`);
  await waitForCards();
  // The app marks when it has shown the papers: from the navigation's start, on the page's clock.
  const ms = await page.evaluate(() => {
    const perf = (
      globalThis as unknown as { performance: { getEntriesByName(n: string): Array<{ startTime: number }> } }
    ).performance;
    return Math.round(perf.getEntriesByName('papers-shown')[0]?.startTime ?? NaN);
  });
  const graphqlMs = await page.evaluate(() => {
    const perf = (globalThis as unknown as { performance: { getEntries(): Array<{ name: string; duration: number }> } })
      .performance;
    return Math.round(perf.getEntries().find((e) => e.name.endsWith('/graphql'))?.duration ?? 0);
  });
  const resources = await page.evaluate(() => {
    const perf = (globalThis as unknown as { performance: { getEntries(): unknown[] } }).performance;
    return (perf.getEntries() as Resource[])
      .filter((e) => 'transferSize' in e && new URL(e.name).pathname.startsWith('/app'))
      .map(({ name, transferSize, encodedBodySize, decodedBodySize }) => ({
        name: new URL(name).pathname,
        transferSize,
        encodedBodySize,
        decodedBodySize,
      }));
  });
  await context.close();
  return { ms, resources, graphqlMs };
}

const kb = (n: number) => +(n / 1024).toFixed(1);

async function main(): Promise<void> {
  await withBrowserBench('app', PREFIX, async ({ store, hub, browser, keysDir, runs }) => {
    await seedOrReuse(store, { citizens: 300, seed: 7 }, 'app', (m) => console.log(m));
    const accounts = await store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
    const citizen = accounts.find((a) => a.status === 'ACTIVE' && a.level === 2)!._id;
    const token = issueDevToken('citizen', { personalId: citizen }, { key: devIdpKey(keysDir) });
    const session = JSON.stringify({
      accessToken: token,
      expiresAt: Date.now() + 3_600_000,
      personalId: citizen,
      kind: 'citizen',
      via: 'token',
    });
    await loadOnce(browser, hub.url, session, false); // the hub's and the store's first request
    const cold: number[] = [];
    const warm: number[] = [];
    const graphql: number[] = [];
    let resources: Resource[] = [];
    for (let i = 0; i < runs; i++) {
      const c = await loadOnce(browser, hub.url, session, false);
      cold.push(c.ms);
      graphql.push(c.graphqlMs);
      resources = c.resources;
      warm.push((await loadOnce(browser, hub.url, session, true)).ms);
    }
    const wire = resources.reduce((n, r) => n + r.encodedBodySize, 0);
    const decoded = resources.reduce((n, r) => n + r.decodedBodySize, 0);
    const result = {
      first_load_kb_compressed: kb(wire),
      first_load_kb_decoded: kb(decoded),
      first_load_files: resources.length,
      papers_cold_ms_median: median(cold),
      papers_cold_ms_max: Math.max(...cold),
      papers_warm_ms_median: median(warm),
      papers_warm_ms_max: Math.max(...warm),
      papers_query_ms_median: median(graphql),
      runs,
    };
    console.log('\nfile                                     on the wire (kB)   decoded (kB)');
    for (const r of resources) {
      console.log(
        `${r.name.padEnd(40)} ${String(kb(r.encodedBodySize)).padStart(16)} ${String(kb(r.decodedBodySize)).padStart(14)}`,
      );
    }
    console.log(`${'first load'.padEnd(40)} ${String(kb(wire)).padStart(16)} ${String(kb(decoded)).padStart(14)}`);
    console.log(
      `\ntime to the papers screen (ms, ${runs} runs): cold median ${result.papers_cold_ms_median}, max ${result.papers_cold_ms_max}; warm median ${result.papers_warm_ms_median}, max ${result.papers_warm_ms_max}; of it the papers query ${result.papers_query_ms_median}`,
    );
    mergeResults('app', result);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
