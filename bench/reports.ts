/**
 * The working groups' account reports at scale (issue "E-identity accounts"):
 * `npm run bench:reports [-- --citizens N --seed S --samples K --reseed --data-dir D --write]`,
 * and the `reports` section of `npm run bench`.
 *
 * Seeds its own databases (prefix `benchrep_`; skipped when they already hold a seeding of
 * the same citizens/seed, unless `--reseed`), starts a real hub with authentication on, and
 * measures over HTTP with officer tokens of the development IdP, sequentially:
 * - `accountReport` of the largest province over the last 30 days (every field but
 *   `communes`), then of that province's largest commune/ward;
 * - `accountWorkList(APPROVED_NOT_ACTIVATED)` pages of 50 of the province, walking with
 *   `endCursor` (starting over at the end);
 * - `accountLock` (hotline, ACCOUNT_APPROVER of the province) of distinct ACTIVE accounts,
 *   each unlocked afterwards (not timed), so a run leaves the accounts as it found them.
 *
 * Standalone, it uses MONGODB_URI when set, else starts the embedded store on a data folder
 * kept between runs (default `.data/bench-reports`, git-ignored) so that the seeding is reused,
 * and stops it at the end. It prints the figures; `--write` also merges them into
 * bench/results/latest.json as `reports`.
 */
import { mergeResults, seedOrReuse, seedSeconds, withStandaloneStore } from './common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { PROVINCES } from '../mockdata/generator/areas';
import { mapCitizen } from '../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../connectors/population/model';
import { vietnamDate } from '../services/accounts/calendar';
import { idCardValidOn } from '../services/accounts/id-card';
import { devIdpKey, issueDevToken } from '../services/access/auth/dev-idp';
import { loadConfig } from '../hub/config';
import { REPORT_COUNTERS_COLLECTION, stockId, type AreaStockDoc } from '../services/accounts/reports/model';
import { communesOf } from '../services/accounts/reports/read';
import { startHub } from '../hub/server';
import { ACCOUNTS_COLLECTION } from '../services/accounts/store';
import { Store } from '../store/connection';

export const REPORTS_PREFIX = 'benchrep_';

export interface ReportsBenchOptions {
  /** mongodb:// URI of the store (the bench's embedded one, or MONGODB_URI). */
  uri: string;
  citizens: number;
  seed: number;
  /** Sequential requests per measurement. */
  samples: number;
  /** Seed even when the prefix already holds the same seeding. Default false. */
  reseed?: boolean;
  /** Progress lines. Default console.log. */
  log?: (msg: string) => void;
}

export interface ReportsBenchResult {
  accounts: number;
  citizens: number;
  seed_s: number;
  area_report_p50_ms: number;
  area_report_p95_ms: number;
  commune_report_p50_ms: number;
  list_page_p50_ms: number;
  list_page_p95_ms: number;
  transition_p50_ms: number;
}

const FLOWS_FIELDS = `collected { level1 level2 total } upgradesRequested approved upgraded rejected
  activated { level1 level2 total } activationExpired reopened locked unlocked activationRate`;

/** Every field of the report but `communes`. */
const REPORT_QUERY = `query BenchReport($area: String!, $from: Date!, $to: Date!) {
  accountReport(area: $area, from: $from, to: $to) {
    area { code name kind }
    from
    to
    period { ${FLOWS_FIELDS} }
    cumulative { ${FLOWS_FIELDS} }
    atEnd {
      accounts { level1 level2 total }
      pendingApproval approvedNotActivated activationExpired
      active { level1 level2 total }
      locked rejected
    }
    population { eligible14 notRegistered asOf }
    withoutActivatedAccount
    approvalsOverdue
    targets { collectedPerDay activatedPerDay }
    daily { date collected activated collectedTarget activatedTarget collectedProgress activatedProgress }
  }
}`;

/** The same without `approvalsOverdue` (diagnostic: what the overdue count costs). */
const REPORT_QUERY_NO_OVERDUE = REPORT_QUERY.replace(/^\s*approvalsOverdue\n/m, '');

/** A door-to-door page; the list's total (which reads every commune's list) on the first page only. */
const LIST_QUERY = `query BenchList($area: String!, $after: String, $withCount: Boolean!) {
  accountWorkList(list: APPROVED_NOT_ACTIVATED, area: $area, first: 50, after: $after) {
    nodes {
      personalId fullName address phone
      commune { code name }
      accountStatus since overdue
    }
    pageInfo { endCursor hasNextPage }
    totalCount @include(if: $withCount)
  }
}`;

const LOCK_MUTATION = `mutation BenchLock($id: PersonalId!) {
  accountLock(personalId: $id, via: HOTLINE) { account { status } userErrors { code message } }
}`;

const UNLOCK_MUTATION = `mutation BenchUnlock($id: PersonalId!) {
  accountUnlock(personalId: $id, ownershipVerified: true) { account { status } userErrors { code message } }
}`;

/** Nearest-rank percentile of unsorted samples (ms, one decimal). */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return +s[i].toFixed(1);
}

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(iso + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
}

/** Accounts in any state of an area, from its counters. */
async function stockTotal(store: Store, area: string): Promise<number> {
  const doc = (await store.hubDb
    .collection(REPORT_COUNTERS_COLLECTION)
    .findOne({ _id: stockId(area) as never })) as AreaStockDoc | null;
  return Object.values(doc?.stock ?? {}).reduce<number>((s, v) => s + (v ?? 0), 0);
}

/** The code with the most accounts (by the counters). */
async function largest(
  store: Store,
  codes: readonly string[],
): Promise<{ code: string; accounts: number; all: number }> {
  const totals = await Promise.all(codes.map((c) => stockTotal(store, c)));
  let best = 0;
  totals.forEach((t, i) => {
    if (t > totals[best]) best = i;
  });
  return { code: codes[best], accounts: totals[best], all: totals.reduce((a, b) => a + b, 0) };
}

/** Requests to the bench's hub as two officers of one province; each throws on GraphQL errors. */
interface OfficerClient {
  /** One request; returns the data and the wall time. */
  gql<T>(auth: string, query: string, variables: Record<string, unknown>): Promise<{ data: T; ms: number }>;
  /** `n` sequential requests of the working group after 3 warm-ups (wall times). */
  repeat(query: string, variables: Record<string, unknown>, n: number): Promise<number[]>;
  workingGroup: string;
  approver: string;
}

function officerClient(url: string, keysDir: string, province: string): OfficerClient {
  const idp = devIdpKey(keysDir);
  const bearer = (role: 'WORKING_GROUP' | 'ACCOUNT_APPROVER') =>
    `Bearer ${issueDevToken(
      'officer',
      { role, area: { province }, officerId: `bench-${role.toLowerCase()}-${province}` },
      { key: idp, expiresInS: 4 * 3600 },
    )}`;
  const workingGroup = bearer('WORKING_GROUP');
  const gql = async <T>(
    auth: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ data: T; ms: number }> => {
    const t = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as { data?: T; errors?: unknown[] };
    const ms = performance.now() - t;
    if (json.errors || !json.data) throw new Error(`bench request failed: ${JSON.stringify(json.errors ?? json)}`);
    return { data: json.data, ms };
  };
  const repeat = async (query: string, variables: Record<string, unknown>, n: number) => {
    for (let i = 0; i < 3; i++) await gql(workingGroup, query, variables);
    const ms: number[] = [];
    for (let i = 0; i < n; i++) ms.push((await gql(workingGroup, query, variables)).ms);
    return ms;
  };
  return { gql, repeat, workingGroup, approver: bearer('ACCOUNT_APPROVER') };
}

export async function benchReports(opts: ReportsBenchOptions): Promise<ReportsBenchResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const store = await Store.connect({ uri: opts.uri, dbPrefix: REPORTS_PREFIX, maxPoolSize: 64 });
  const keysDir = mkdtempSync(join(tmpdir(), 'hub-bench-reports-keys-'));
  try {
    const manifest = await seedOrReuse(store, opts, 'reports', log);
    const seedS = seedSeconds(manifest);

    const province = await largest(
      store,
      PROVINCES.map((p) => p.code),
    );
    const commune = await largest(store, communesOf(province.code));
    const today = vietnamDate(new Date());
    const range = { from: addDays(today, -29), to: today };
    log(
      `reports: ${province.all} accounts by the counters; province ${province.code} (${province.accounts}), ` +
        `commune ${commune.code} (${commune.accounts}); range ${range.from}..${range.to}`,
    );

    // --- a real hub, authentication on -------------------------------------------------------
    const config = loadConfig({
      NODE_ENV: 'development',
      MONGODB_URI: opts.uri,
      HUB_DB_PREFIX: REPORTS_PREFIX,
      HUB_AUTH: 'on',
      HUB_KEYS_DIR: keysDir,
      LOG_LEVEL: 'silent',
      // One officer sends every request of the bench.
      HUB_RATE_LIMITS: 'off',
    });
    let figures: Omit<ReportsBenchResult, 'accounts'>;
    const hub = await startHub({ config, store, logger: pino({ level: 'silent' }) }, { port: 0, host: '127.0.0.1' });
    try {
      const client = officerClient(hub.url, keysDir, province.code);
      const { provinceMs, communeMs } = await measureReports(client, opts, log, { province, commune, range });
      const listMs = await measureListPages(client, opts, log, province.code);
      const lockMs = await measureTransitions(store, client, opts, log, { province: province.code, today });
      figures = {
        citizens: opts.citizens,
        seed_s: seedS,
        area_report_p50_ms: percentile(provinceMs, 0.5),
        area_report_p95_ms: percentile(provinceMs, 0.95),
        commune_report_p50_ms: percentile(communeMs, 0.5),
        list_page_p50_ms: percentile(listMs, 0.5),
        list_page_p95_ms: percentile(listMs, 0.95),
        transition_p50_ms: percentile(lockMs, 0.5),
      };
    } finally {
      await hub.stop();
    }

    // The seeder's count (countDocuments is a full scan on the embedded store: a minute or more).
    const accounts = manifest.counts[ACCOUNTS_COLLECTION] ?? 0;
    if (accounts !== province.all)
      log(`reports: WARNING the counters hold ${province.all} accounts, the store ${accounts}`);
    return { accounts, ...figures };
  } finally {
    await store.close();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

/** `accountReport` of the largest province and commune (and, as a diagnosis, without approvalsOverdue). */
async function measureReports(
  client: OfficerClient,
  opts: ReportsBenchOptions,
  log: (m: string) => void,
  at: { province: { code: string }; commune: { code: string }; range: { from: string; to: string } },
): Promise<{ provinceMs: number[]; communeMs: number[] }> {
  const { province, commune, range } = at;
  log(`reports: accountReport x${opts.samples} (province ${province.code}, commune ${commune.code})...`);
  const provinceMs = await client.repeat(REPORT_QUERY, { area: province.code, ...range }, opts.samples);
  const communeMs = await client.repeat(REPORT_QUERY, { area: commune.code, ...range }, opts.samples);
  const diagN = Math.min(20, opts.samples);
  const noOverdueMs = await client.repeat(REPORT_QUERY_NO_OVERDUE, { area: province.code, ...range }, diagN);
  log(
    `reports: province report p50 ${percentile(provinceMs, 0.5)} ms, of which approvalsOverdue ≈ ` +
      `${(percentile(provinceMs, 0.5) - percentile(noOverdueMs, 0.5)).toFixed(1)} ms ` +
      `(${percentile(noOverdueMs, 0.5)} ms without it, ${diagN} samples)`,
  );
  return { provinceMs, communeMs };
}

/** `accountWorkList` pages of the province, one after the other (3 warm-ups). */
async function measureListPages(
  client: OfficerClient,
  opts: ReportsBenchOptions,
  log: (m: string) => void,
  province: string,
): Promise<number[]> {
  log(`reports: accountWorkList pages x${opts.samples}...`);
  type ListData = {
    accountWorkList: {
      nodes: unknown[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
      totalCount: number;
    };
  };
  let after: string | null = null;
  let totalCount = 0;
  const listMs: number[] = [];
  for (let i = 0; i < opts.samples + 3; i++) {
    const vars: Record<string, unknown> = { area: province, after, withCount: after === null };
    const res = await client.gql<ListData>(client.workingGroup, LIST_QUERY, vars);
    if (i >= 3) listMs.push(res.ms); // 3 warm-ups
    const page: ListData['accountWorkList'] = res.data.accountWorkList;
    if (after === null) totalCount = page.totalCount;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  }
  log(`reports: the province's APPROVED_NOT_ACTIVATED list has ${totalCount} members`);
  return listMs;
}

/** `accountLock` then `accountUnlock` of ACTIVE accounts of the province; the lock times. */
async function measureTransitions(
  store: Store,
  client: OfficerClient,
  opts: ReportsBenchOptions,
  log: (m: string) => void,
  at: { province: string; today: string },
): Promise<number[]> {
  // ACTIVE accounts of the province that an officer may unlock again: not those whose chip ID
  // card has expired (the nightly sweep would lock them; unlocking them is refused).
  const population = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const candidates = (
    await store.hubDb
      .collection(ACCOUNTS_COLLECTION)
      .find({ status: 'ACTIVE', 'area.province': at.province }, { projection: { _id: 1 } })
      .limit(opts.samples * 2)
      .toArray()
  ).map((d) => String(d._id));
  const people = await Promise.all(candidates.map((id) => population.findOne({ _id: id })));
  const ids = candidates
    .filter((_, i) => {
      const doc = people[i];
      const person = doc ? mapCitizen(doc) : null;
      return !person?.identityCard || idCardValidOn(person, at.today);
    })
    .slice(0, opts.samples);
  if (ids.length < opts.samples) log(`reports: only ${ids.length} ACTIVE accounts to lock`);
  log(`reports: accountLock + accountUnlock x${ids.length}...`);
  type Payload = { account: { status: string } | null; userErrors: Array<{ code: string; message: string }> };
  const lockMs: number[] = [];
  const unlockMs: number[] = [];
  for (const id of ids) {
    const lock = await client.gql<{ accountLock: Payload }>(client.approver, LOCK_MUTATION, { id });
    const l = lock.data.accountLock;
    if (l.userErrors.length || l.account?.status !== 'LOCKED') {
      throw new Error(`accountLock ${id}: ${JSON.stringify(l)}`);
    }
    lockMs.push(lock.ms);
    const unlock = await client.gql<{ accountUnlock: Payload }>(client.approver, UNLOCK_MUTATION, { id });
    const u = unlock.data.accountUnlock;
    if (u.userErrors.length || u.account?.status !== 'ACTIVE') {
      throw new Error(`accountUnlock ${id}: ${JSON.stringify(u)}`);
    }
    unlockMs.push(unlock.ms);
  }
  log(`reports: accountUnlock p50 ${percentile(unlockMs, 0.5)} ms`);
  return lockMs;
}

/** The `reports` member of bench/results/latest.json (headline figures first). */
export function reportsJson(r: ReportsBenchResult): Record<string, number> {
  return {
    accounts: r.accounts,
    area_report_p50_ms: r.area_report_p50_ms,
    list_page_p50_ms: r.list_page_p50_ms,
    commune_report_p50_ms: r.commune_report_p50_ms,
    area_report_p95_ms: r.area_report_p95_ms,
    list_page_p95_ms: r.list_page_p95_ms,
    transition_p50_ms: r.transition_p50_ms,
    citizens: r.citizens,
    seed_s: r.seed_s,
  };
}

/** The printed table of the figures. */
export function reportsTable(r: ReportsBenchResult): Array<Record<string, unknown>> {
  return [
    { measure: 'accountReport, province, 30 days', p50_ms: r.area_report_p50_ms, p95_ms: r.area_report_p95_ms },
    { measure: 'accountReport, commune, 30 days', p50_ms: r.commune_report_p50_ms, p95_ms: '' },
    { measure: 'accountWorkList page of 50, province', p50_ms: r.list_page_p50_ms, p95_ms: r.list_page_p95_ms },
    { measure: 'accountLock (with counter updates)', p50_ms: r.transition_p50_ms, p95_ms: '' },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      citizens: { type: 'string', default: '165000' },
      seed: { type: 'string', default: '3' },
      samples: { type: 'string', default: '50' },
      reseed: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data/bench-reports' },
      write: { type: 'boolean', default: false },
    },
  });
  await withStandaloneStore(values['data-dir'], async (uri) => {
    const t0 = Date.now();
    const r = await benchReports({
      uri,
      citizens: Number(values.citizens),
      seed: Number(values.seed),
      samples: Number(values.samples),
      reseed: values.reseed,
    });
    console.log(
      `\nreports (${r.accounts} accounts, ${r.citizens} citizens, seeded in ${r.seed_s} s; ` +
        `bench ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
    console.table(reportsTable(r));
    console.log(JSON.stringify(r));
    if (values.write) mergeResults('reports', reportsJson(r));
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
