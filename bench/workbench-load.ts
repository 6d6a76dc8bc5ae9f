/**
 * The officers' workbench: each screen's time to rendered content, in Debian's Chromium
 * (playwright-core; CHROMIUM_PATH, default /usr/bin/chromium) at desktop size (1280×800), on a hub
 * of its own over the embedded store with the demo's data set (`npm start`'s: 10,000 citizens,
 * seed 6, its share of unreadable records; prefix `benchwb_`, reused when present):
 *
 *   npm run bench:app:workbench [-- --runs 5]      (npm run bench:app runs it after the citizen's)
 *
 * Before measuring: a reconciliation run of Hà Nội (01) by its data-cleaning officer (its cases,
 * runs and cleanliness point) and two citizens' correction requests there (the queue by deadline).
 * Then, for each screen, `--runs` loads in a fresh browser context (cold: no cache, no service
 * worker) signed in as the screen's development officer (a session like the app's own, with a
 * token of the development identity provider): the time from the navigation's start to the
 * screen's content in the page (the rows, the chart, the two sides of a case: in the document, shown
 * or folded away like the report's tables), on the page's clock;
 * for the queue's other orders, from the click on "Lọc" to the hub's page rendered (measured by the
 * driver: its round trips, a few ms, included). Prints a table (median and worst) and merges
 * `workbench` into bench/results/latest.json. A bench, not a test: nothing is asserted.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunningHub } from '../hub/server';
import { DEMO_MALFORMED_RATE } from '../mockdata/generator/defects';
import { mapCitizen } from '../connectors/population/connector';
import type { CongDanDoc } from '../connectors/population/model';
import { devIdpKey, issueDevToken } from '../services/access/auth/dev-idp';
import type { OfficerRole } from '../services/access/auth/principal';
import type { AccountDoc } from '../services/accounts/store';
import { Store } from '../store/connection';
import { mergeResults, seedOrReuse } from './common';
import { median, withBrowserBench } from './browser-hub';

const PREFIX = 'benchwb_';
const PROVINCE = '01';
const DEMO = { citizens: 10_000, seed: 6, rates: { MALFORMED: DEMO_MALFORMED_RATE } };

interface Officer {
  id: string;
  role: OfficerRole;
}
const CLEANER: Officer = { id: 'CA-HN-DC-01', role: 'DATA_CLEANING' };
const GROUP: Officer = { id: 'CA-HN-WG-01', role: 'WORKING_GROUP' };
const APPROVER: Officer = { id: 'CA-HN-AP-01', role: 'ACCOUNT_APPROVER' };

/** A screen: its path, who opens it, and what in the page is its content. */
interface Screen {
  name: string;
  path: string;
  officer: Officer;
  content: string;
  /** The queue in another order: chosen and applied after the default page is shown. */
  order?: 'OLDEST' | 'DUE';
}

async function gql(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** One cold load of a screen; ms to its content. */
async function loadOnce(browser: Browser, url: string, session: string, s: Screen): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  await context.addInitScript((v: string) => {
    (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(
      'app.session',
      v,
    );
  }, session);
  const page = await context.newPage();
  try {
    await page.goto(`${url}${s.path}`);
    await page
      .locator(s.order ? 'tr[data-case]' : s.content)
      .first()
      .waitFor({ state: 'attached', timeout: 60_000 });
    if (!s.order) return await pageNow(page);
    await page.locator('#case-order').selectOption(s.order);
    if (s.order === 'DUE') await page.locator('#case-kind').selectOption('CORRECTION_REQUEST');
    const t0 = Date.now();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/graphql') && !!r.request().postData()?.includes(`"${s.order}"`)),
      page.getByRole('button', { name: 'Lọc', exact: true }).click(),
    ]);
    await page.locator('table[aria-busy]').waitFor({ state: 'detached' });
    await page.locator(s.content).first().waitFor({ state: 'attached' });
    return Date.now() - t0;
  } finally {
    await context.close();
  }
}

/** Ms since the navigation's start, on the page's clock. */
function pageNow(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.round((globalThis as unknown as { performance: { now(): number } }).performance.now()),
  );
}

/** What the screens need: a finished run of the province, a case to open, two correction requests. */
async function prepare(hub: RunningHub, store: Store, token: (o: Officer) => string, keysDir: string) {
  const cleaner = token(CLEANER);
  const start = await gql(hub.url, cleaner, `mutation { reconciliationRunStart(area: "${PROVINCE}") { id } }`);
  const runId = (start.reconciliationRunStart as { id: string }).id;
  const t0 = Date.now();
  await hub.reconciliation.wait(runId);
  console.log(`workbench: reconciliation run of ${PROVINCE} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const cases = await gql(
    hub.url,
    cleaner,
    `{ reconciliationCases(area: "${PROVINCE}", kind: MISMATCH, first: 1) { totalCount nodes { id } } }`,
  );
  const page = cases.reconciliationCases as { totalCount: number; nodes: Array<{ id: string }> };
  const people = await store.db('pop').collection<CongDanDoc>('congDan').find({}).toArray();
  const here = new Set(people.filter((p) => mapCitizen(p).area?.province === PROVINCE).map((p) => p._id));
  const accounts = await store.hubDb.collection<AccountDoc>('accounts').find({ status: 'ACTIVE', level: 2 }).toArray();
  for (const a of accounts.filter((x) => here.has(x._id)).slice(0, 2)) {
    const t = issueDevToken('citizen', { personalId: a._id }, { key: devIdpKey(keysDir) });
    const filed = await gql(
      hub.url,
      t,
      `mutation($i: CorrectionRequestInput!) { correctionRequest(input: $i) { userErrors { code } } }`,
      { i: { source: 'DRIVING_LICENCE', field: 'number', note: 'Số GPLX bị ghi sai' } },
    );
    const refused = (filed.correctionRequest as { userErrors: unknown[] }).userErrors;
    if (refused.length) throw new Error(`correction request refused: ${JSON.stringify(refused)}`);
  }
  return { caseId: page.nodes[0].id, cases: page.totalCount };
}

async function main(): Promise<void> {
  await withBrowserBench('wb', PREFIX, async ({ store, hub, browser, keysDir, runs }) => {
    await seedOrReuse(store, DEMO, 'workbench', (m) => console.log(m));
    const token = (o: Officer) =>
      issueDevToken(
        'officer',
        { role: o.role, area: { province: PROVINCE }, officerId: o.id, unit: 'Công an (bench)' },
        { key: devIdpKey(keysDir) },
      );
    const { caseId, cases } = await prepare(hub, store, token, keysDir);
    const session = (o: Officer) =>
      JSON.stringify({
        accessToken: token(o),
        expiresAt: Date.now() + 3_600_000,
        personalId: o.id,
        kind: 'officer',
        via: 'token',
        officer: { id: o.id, role: o.role, area: { province: PROVINCE } },
      });
    const screens: Screen[] = [
      { name: 'runs', path: '/app/wb/runs', officer: CLEANER, content: 'table.wb-table tbody tr' },
      { name: 'cases (area order)', path: '/app/wb/cases', officer: CLEANER, content: 'tr[data-case]' },
      {
        name: 'cases, oldest first',
        path: '/app/wb/cases',
        officer: CLEANER,
        content: 'tr[data-case]',
        order: 'OLDEST',
      },
      {
        name: 'cases, corrections by deadline',
        path: '/app/wb/cases',
        officer: CLEANER,
        content: 'tr[data-case*=":CORRECTION_REQUEST:"]',
        order: 'DUE',
      },
      {
        name: 'one case',
        path: `/app/wb/case/${encodeURIComponent(caseId)}`,
        officer: CLEANER,
        content: '.wb-compare',
      },
      { name: 'cleanliness', path: '/app/wb/cleanliness', officer: CLEANER, content: '[data-chart="cleanliness"]' },
      { name: 'activation report', path: '/app/wb/report', officer: GROUP, content: '[data-table="daily"]' },
      {
        name: 'door-to-door list',
        path: '/app/wb/lists',
        officer: GROUP,
        content: '[data-table="work-list"] tbody tr',
      },
      { name: 'approvals', path: '/app/wb/approvals', officer: APPROVER, content: 'li[data-request], main p.muted' },
    ];
    await loadOnce(browser, hub.url, session(CLEANER), screens[1]); // the hub's and the store's first request
    const rows: Array<{ screen: string; median_ms: number | null; max_ms: number | null; error?: string }> = [];
    for (const s of screens) {
      const ms: number[] = [];
      try {
        for (let i = 0; i < runs; i++) ms.push(await loadOnce(browser, hub.url, session(s.officer), s));
        rows.push({ screen: s.name, median_ms: median(ms), max_ms: Math.max(...ms) });
      } catch (err) {
        // One screen that does not show its content is reported, and the others measured.
        rows.push({ screen: s.name, median_ms: null, max_ms: null, error: String(err).split('\n')[0] });
      }
    }
    console.log(
      `\nworkbench screens, time to rendered content (ms, ${runs} cold loads each; ${DEMO.citizens} citizens, ${cases} MISMATCH cases in ${PROVINCE})`,
    );
    console.log(`${'screen'.padEnd(34)} ${'median'.padStart(8)} ${'worst'.padStart(8)}`);
    for (const r of rows)
      console.log(
        `${r.screen.padEnd(34)} ${String(r.median_ms ?? '—').padStart(8)} ${String(r.max_ms ?? '—').padStart(8)}${r.error ? `  ${r.error}` : ''}`,
      );
    mergeResults('workbench', {
      citizens: DEMO.citizens,
      province: PROVINCE,
      mismatch_cases: cases,
      runs,
      screens: rows,
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
