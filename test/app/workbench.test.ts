/**
 * The officers' workbench end to end, in Chromium (playwright-core) on a real hub over the real
 * embedded store with a data set of its own (`wbe_`): a data-cleaning officer runs a reconciliation
 * of their province and follows its progress, opens a MISMATCH case, sees the differing characters
 * marked and said, confirms and resolves it with a note, and exports the open cases as CSV; a
 * supervisor reassigns it; citizens' correction requests are in the queue with their legal deadline,
 * the overdue one first and marked in words; an officer of another province sees none of it; a working-group officer
 * reads the activation report (the chart's values are the GraphQL report's), pages the door-to-door
 * list and exports it; an approver approves a request; an answer to a filter no longer applied
 * (held back by the test) is dropped, not shown. axe-core on every screen (no serious or
 * critical violation); screenshots at desktop width (1280×800) into docs/screenshots.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seed } from '../../mockdata/seed';
import { ensureAppBuilt } from '../../scripts/app-build';
import { issueDevToken } from '../../services/access/auth/dev-idp';
import type { OfficerRole } from '../../services/access/auth/principal';
import { capturedLog, signIn as signInThroughHub } from './sign-in';
import { mapCitizen } from '../../connectors/population/connector';
import type { CongDanDoc } from '../../connectors/population/model';
import type { AccountDoc } from '../../services/accounts/store';
import type { Mutation, Query } from '../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';
import { chromiumPath, screenshot, seriousViolations } from './browser';
import { chromium } from 'playwright-core';

const keys = testKeys();
// The development officer accounts of the hub's login page (services/access/auth/dev-login.ts).
const PROVINCE = '01';
const log = capturedLog();
let hub: TestHub;
let browser: Browser;
/** The hub's clock, when the test sets it (a correction request filed in the past); else the real time. */
let clock: Date | null = null;

const token = (role: OfficerRole, province: string, officerId: string) =>
  issueDevToken('officer', { role, area: { province }, officerId, unit: 'Công an (thử nghiệm)' }, { key: keys.idp });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  await ensureAppBuilt({ quiet: true });
  hub = await startTestHub({}, 'wbe_', { logger: log.logger, now: () => clock ?? new Date() });
  await seed(hub.store, { citizens: 1500, seed: 37, rates: { MISMATCH: 0.08, FORMAT_ONLY: 0.08 } });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--lang=vi-VN'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function desktop(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Signs in through the hub's login page as one of its development officers; lands on their first section. */
function signIn(page: Page, officerId: string, heading: string): Promise<void> {
  return signInThroughHub(page, hub.url, { officerId }, log.lines, heading);
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

let caseId = '';

it('a data-cleaning officer runs a reconciliation, follows it, resolves a MISMATCH case and exports the CSV', async () => {
  const { context, page, errors } = await desktop();
  await signIn(page, 'CA-HN-DC-01', 'Đối soát dữ liệu');
  await page.getByRole('button', { name: `Bắt đầu đối soát ${PROVINCE}` }).click();
  // Progress: the bar and its figures while it runs, then DONE.
  const run = page.locator('section.wb-run');
  await run.waitFor();
  // Some documents read (or already done: a small data set goes fast), then the picture.
  await page.locator('#run-progress:not([value="0"]), section.wb-run[data-status="DONE"]').first().waitFor();
  await run.getByText(/Đã đọc .* bản ghi/).waitFor();
  await screenshot(page, 'workbench-run');
  await page.locator('section.wb-run[data-status="DONE"]').waitFor({ timeout: 120_000 });
  await page.getByText(/Lượt đối soát đã xong/).waitFor();
  await expectAccessible(page);
  // The past runs list shows it.
  expect(await page.locator('table.wb-table tbody tr').count()).toBeGreaterThanOrEqual(1);

  await page.getByRole('link', { name: 'Hồ sơ sai lệch', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ sai lệch' }).waitFor();
  await page.getByLabel('Loại', { exact: true }).selectOption('MISMATCH');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  // The filter is applied on the hub: only MISMATCH cases are left.
  await page.locator('tr[data-case]:not([data-case*=":MISMATCH:"])').first().waitFor({ state: 'detached' });
  await page.locator('table[aria-busy]').waitFor({ state: 'detached' });
  const row = page.locator('tr[data-case*=":MISMATCH:fullName"]').first();
  await row.waitFor();
  caseId = (await row.getAttribute('data-case'))!;
  await screenshot(page, 'workbench-cases');
  await expectAccessible(page);

  await row.getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: /Hồ sơ sai lệch: Sai khác nội dung/ }).waitFor();
  // The differing characters are marked, and said in words; the two sides are labelled.
  expect(await page.locator('mark.wb-diff').count()).toBeGreaterThan(0);
  expect(await page.locator('[data-summary="diff"]').textContent()).toMatch(/Khác \d+ ký tự/);
  expect(await page.locator('.wb-compare').textContent()).toContain('Bản ghi dân cư (chuẩn)');
  expect(await page.locator('.wb-compare').textContent()).toContain('Như cơ quan lưu');
  await screenshot(page, 'workbench-case');
  await expectAccessible(page);

  // Confirm, then resolve: without a note it is refused here in words, with one it is done.
  await page.getByRole('button', { name: 'Xác nhận sai lệch' }).click();
  await page.getByText('Đã lưu: hồ sơ đang ở trạng thái "Đã xác nhận".').waitFor();
  await page.getByRole('button', { name: 'Đã xử lý xong' }).click();
  await page.getByText('Hãy nhập ghi chú.').waitFor();
  await page.getByLabel('Ghi chú cách đã xử lý (bắt buộc)').fill('CSGT đã sửa tên theo CSDL dân cư');
  await page.getByRole('button', { name: 'Đã xử lý xong' }).click();
  await page.getByText('Đã lưu: hồ sơ đang ở trạng thái "Đã xử lý".').waitFor();
  await page.locator('[data-history]', { hasText: 'CSGT đã sửa tên theo CSDL dân cư' }).waitFor();

  // The open cases as CSV: the download is the hub's export.
  await page.getByRole('link', { name: 'Về danh sách hồ sơ' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải CSV các hồ sơ chưa xử lý' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toContain('case_id,status,kind,source');
  expect(csv).toContain(':MISMATCH:');
  expect(csv).not.toContain(caseId); // resolved: no longer open

  // Many FORMAT_ONLY cases closed at once: the page's form-only cases selected, one note.
  await page.getByRole('button', { name: /Chỉ khác cách viết/ }).click();
  await page.locator('tr[data-case]:not([data-case*=":FORMAT_ONLY:"])').first().waitFor({ state: 'detached' });
  await page.locator('table[aria-busy]').waitFor({ state: 'detached' });
  await page.getByRole('checkbox', { name: 'Chọn mọi hồ sơ chỉ khác cách viết trên trang' }).check();
  const selected = await page.locator('tbody input[type="checkbox"]:checked').count();
  expect(selected).toBeGreaterThan(1);
  await page.getByLabel('Ghi chú (bắt buộc)').fill('Chỉ khác cách viết; nguồn chuẩn hóa');
  await page.getByRole('button', { name: `Chuẩn hóa và đóng ${selected} hồ sơ` }).click();
  await page.getByText(`Đã đóng ${selected} hồ sơ; 0 hồ sơ không đóng được.`).waitFor();

  // A second run: the cleanliness chart has a point per finished run, and the past runs a row each.
  await page.getByRole('link', { name: 'Đối soát', exact: true }).click();
  await page.getByRole('button', { name: `Bắt đầu đối soát ${PROVINCE}` }).click();
  await page.locator('section.wb-run[data-status="DONE"]').waitFor({ timeout: 120_000 });
  await page.locator('table.wb-table tbody tr:nth-child(2)').waitFor();
  await page.getByRole('link', { name: 'Độ sạch dữ liệu' }).click();
  await page.locator('[data-chart="cleanliness"]').waitFor();
  expect(await page.locator('[data-chart="cleanliness"] [data-series] [data-value]').count()).toBe(10);
  await screenshot(page, 'workbench-cleanliness');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
}, 240_000);

it('a supervisor reassigns the case (found again by the second run); the state machine refuses in words', async () => {
  const { context, page, errors } = await desktop();
  await signIn(page, 'CA-HN-SV-01', 'Đối soát dữ liệu');
  await page.goto(`${hub.url}/app/wb/case/${encodeURIComponent(caseId)}`);
  await page.getByRole('heading', { level: 1, name: /Hồ sơ sai lệch: Sai khác nội dung/ }).waitFor();
  await page.getByLabel('Giao cho (mã cán bộ)').fill('CA-HN-22');
  await page.getByRole('button', { name: 'Giao việc', exact: true }).click();
  // The second run found the defect again (the source still differs): the case is open again.
  await page.getByText('Đã lưu: hồ sơ đang ở trạng thái "Mở".').waitFor();
  await page.locator('[data-history]', { hasText: 'Lượt đối soát sau lại thấy' }).waitFor();
  await page.locator('.wb-facts', { hasText: 'CA-HN-22' }).waitFor();
  await page.locator('[data-history]', { hasText: 'Giao việc' }).waitFor();
  await expectAccessible(page);
  // An open case cannot be resolved: the hub's refusal is said with its status and what it allows.
  const r = await gql<Pick<Mutation, 'reconciliationCaseResolve'>>(
    hub.url,
    `mutation($id: ID!) { reconciliationCaseResolve(id: $id, note: "x") { userErrors { code message status allowed } } }`,
    { id: caseId },
    bearer(token('SUPERVISOR', PROVINCE, 'CA-HN-SV-01')),
  );
  expect(r.body.data!.reconciliationCaseResolve.userErrors[0]).toMatchObject({
    code: 'ILLEGAL_TRANSITION',
    status: 'OPEN',
    allowed: ['CONFIRM', 'DISMISS', 'ASSIGN', 'NOTE'],
  });
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it("citizens' correction requests are in the queue with their legal deadline, the overdue one first and marked", async () => {
  // Two Hà Nội citizens with an activated Level 2 account ask for a correction: one 40 days ago
  // (its deadline to act, 15 days, has passed), one now.
  const people = await hub.store.db('pop').collection<CongDanDoc>('congDan').find({}).toArray();
  const inHanoi = new Set(people.filter((p) => mapCitizen(p).area?.province === PROVINCE).map((p) => p._id));
  const accounts = await hub.store.hubDb
    .collection<AccountDoc>('accounts')
    .find({ status: 'ACTIVE', level: 2 })
    .toArray();
  const [older, newer] = accounts.filter((x) => inHanoi.has(x._id));
  const file = async (citizenId: string) => {
    const r = await gql<Pick<Mutation, 'correctionRequest'>>(
      hub.url,
      `mutation($input: CorrectionRequestInput!) { correctionRequest(input: $input) { request { caseId } userErrors { code } } }`,
      { input: { source: 'DRIVING_LICENCE', field: 'number', note: 'Số GPLX bị ghi sai một chữ số' } },
      bearer(keys.citizen(citizenId)),
    );
    expect(r.body.data!.correctionRequest.userErrors).toEqual([]);
    return r.body.data!.correctionRequest.request!.caseId!;
  };
  clock = new Date(Date.now() - 40 * 86_400_000);
  const late = await file(older._id);
  clock = null;
  const onTime = await file(newer._id);

  const { context, page, errors } = await desktop();
  await signIn(page, 'CA-HN-DC-01', 'Đối soát dữ liệu');
  await page.getByRole('link', { name: 'Hồ sơ sai lệch', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ sai lệch' }).waitFor();
  await page.getByLabel('Loại', { exact: true }).selectOption('CORRECTION_REQUEST');
  await page.getByLabel('Sắp xếp').selectOption('DUE');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.locator('tr[data-case]:not([data-case*=":CORRECTION_REQUEST:"])').first().waitFor({ state: 'detached' });
  await page.locator('table[aria-busy]').waitFor({ state: 'detached' });
  const rows = page.locator('tr[data-case]');
  await rows.nth(1).waitFor();
  // By deadline: the overdue one first, said in words (and a symbol), not by colour alone.
  expect(await rows.nth(0).getAttribute('data-case')).toBe(late);
  expect(await rows.nth(1).getAttribute('data-case')).toBe(onTime);
  expect(await rows.nth(0).locator('[data-overdue="true"]').textContent()).toContain('Quá hạn');
  expect(await rows.nth(0).getAttribute('class')).toContain('wb-overdue');
  expect(await rows.nth(1).locator('[data-overdue="false"]').textContent()).toContain('còn hạn');
  expect(await rows.nth(1).textContent()).not.toContain('Quá hạn');
  expect(await rows.nth(0).textContent()).toContain('Yêu cầu chỉnh sửa của công dân');
  // The field the citizen names, in the officer's words (the API name beside it).
  expect(await rows.nth(0).textContent()).toContain('Số giấy phép (number)');
  // The picture shows the queue itself (below the filters at this height).
  await page
    .locator('p[role="status"]', { hasText: 'hồ sơ' })
    .evaluate((e: { scrollIntoView(o: { block: string }): void }) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'workbench-cases-due');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('an answer to a filter no longer applied is never shown: the queue holds the latest filter’s rows', async () => {
  const { context, page, errors } = await desktop();
  // The queue's first load (no kind) is held back until the filtered one has been shown.
  const held: Array<() => Promise<void>> = [];
  let holding = true;
  await page.route('**/graphql', async (route) => {
    const v = (route.request().postDataJSON() as { variables?: Record<string, unknown> } | null)?.variables;
    if (holding && v && 'order' in v && v.kind === null) {
      held.push(() => route.continue());
      return;
    }
    await route.continue();
  });
  await signIn(page, 'CA-HN-DC-01', 'Đối soát dữ liệu');
  await page.getByRole('link', { name: 'Hồ sơ sai lệch', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ sai lệch' }).waitFor();
  await page.getByLabel('Loại', { exact: true }).selectOption('MISMATCH');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.locator('tr[data-case*=":MISMATCH:"]').first().waitFor();
  expect(held).toHaveLength(1);
  // Now the older answer (every kind) arrives; the page has read it when it has finished.
  holding = false;
  const late = page.waitForEvent('requestfinished', (r) => r.url().endsWith('/graphql'));
  await held[0]();
  await late;
  await page.evaluate(() => {
    const w = globalThis as unknown as { requestAnimationFrame(f: () => void): void };
    return new Promise<void>((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(r)));
  });
  expect(await page.locator('tr[data-case]:not([data-case*=":MISMATCH:"])').count()).toBe(0);
  expect(await page.locator('tr[data-case*=":MISMATCH:"]').count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('an officer of another province sees none of it', async () => {
  const { context, page } = await desktop();
  await signIn(page, 'CA-HCM-DC-01', 'Đối soát dữ liệu'); // Hồ Chí Minh City (79)
  await page.getByText(/Không có gì ở đây/).waitFor(); // no runs of their province
  await page.goto(`${hub.url}/app/wb/case/${encodeURIComponent(caseId)}`);
  await page.getByText('Không tìm thấy hồ sơ này trong địa bàn của bạn.').waitFor();
  expect(await page.locator('.wb-compare').count()).toBe(0);
  await page.getByRole('link', { name: 'Hồ sơ sai lệch', exact: true }).click();
  await page.locator('p[role="status"]', { hasText: 'hồ sơ' }).waitFor();
  expect(await page.locator(`tr[data-case="${caseId}"]`).count()).toBe(0);
  await context.close();
}, 60_000);

it('a working-group officer reads the report (the chart is the GraphQL report), pages the door-to-door list and exports it', async () => {
  const wg = token('WORKING_GROUP', PROVINCE, 'CA-HN-WG-01');
  // Daily targets set by a supervisor, drawn as dashed lines.
  const set = await gql<Pick<Mutation, 'reportTargetSet'>>(
    hub.url,
    `mutation { reportTargetSet(area: "${PROVINCE}", collectedPerDay: 3, activatedPerDay: 2) { userErrors { code } } }`,
    {},
    bearer(token('SUPERVISOR', PROVINCE, 'CA-HN-SV-01')),
  );
  expect(set.body.data!.reportTargetSet.userErrors).toEqual([]);
  const { context, page, errors } = await desktop();
  await signIn(page, 'CA-HN-WG-01', 'Báo cáo thu nhận và kích hoạt');
  // The generated data's last two months (its reference day is 2026-11-01).
  const [from, today] = ['2026-09-01', '2026-11-01'];
  await page.getByLabel('Từ ngày').fill(from);
  await page.getByLabel('Đến ngày').fill(today);
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await page.getByRole('heading', { level: 2, name: /01\/09\/2026 – 01\/11\/2026/ }).waitFor();
  await page.locator('[data-chart="commune-rate"]').waitFor();
  await page.locator('[data-chart="daily"]').waitFor();
  await screenshot(page, 'workbench-report');
  await page.locator('[data-chart="daily"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'workbench-report-charts');
  await expectAccessible(page);
  const report = await gql<Pick<Query, 'accountReport'>>(
    hub.url,
    `query($a: String!, $f: Date!, $t: Date!) { accountReport(area: $a, from: $f, to: $t) {
      period { activated { total } } atEnd { approvedNotActivated } withoutActivatedAccount
      communes { area { name } cumulative { activationRate } } daily { date collected activated } } }`,
    { a: PROVINCE, f: from, t: today },
    bearer(wg),
  );
  const rep = report.body.data!.accountReport;
  const bars = new Map<string, string>();
  for (const bar of await page.locator('[data-chart="commune-rate"] [data-bar]').all()) {
    bars.set((await bar.getAttribute('data-bar')) ?? '', (await bar.getAttribute('data-value')) ?? '');
  }
  const expected = new Map(
    rep.communes.map((c) => [
      c.area.name,
      c.cumulative.activationRate === null ? '' : String(c.cumulative.activationRate),
    ]),
  );
  expect(bars).toEqual(expected);
  const dots: number[] = [];
  for (const dot of await page.locator('[data-chart="daily"] [data-series="Kích hoạt"] [data-value]').all()) {
    dots.push(Number(await dot.getAttribute('data-value')));
  }
  expect(dots).toEqual(rep.daily.map((d) => d.activated));
  expect(await page.locator('[data-stat="approvedNotActivated"] dd').textContent()).toBe(
    new Intl.NumberFormat('vi-VN').format(rep.atEnd.approvedNotActivated),
  );

  await page.getByRole('link', { name: 'Danh sách đến tận nhà' }).click();
  await page.getByLabel('Số dòng mỗi trang').selectOption('10');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.locator('table[data-table="work-list"] tbody tr').first().waitFor();
  const first = await page.locator('table[data-table="work-list"] tbody tr').first().getAttribute('data-person');
  await screenshot(page, 'workbench-lists');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Trang sau' }).click();
  await page.getByText(/^Trang 2 ·/).waitFor();
  await page.locator(`table[data-table="work-list"] tbody tr[data-person="${first}"]`).waitFor({ state: 'detached' });
  await page.locator('table[data-table="work-list"] tbody tr').first().waitFor();
  // Search by a name from the list (marks and case ignored).
  const name = (await page.locator('table[data-table="work-list"] tbody tr th').first().textContent())!;
  await page.getByLabel('Tìm theo tên, địa chỉ hoặc số định danh').fill(
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase(),
  );
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.locator('table[data-table="work-list"] tbody tr th', { hasText: name }).first().waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải CSV' }).click(),
  ]);
  expect(readFileSync(await download.path(), 'utf8')).toContain(first!);
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);

it('an approver approves a pending request', async () => {
  const approver = token('ACCOUNT_APPROVER', PROVINCE, 'CA-HN-AP-01');
  // A Level 2 registration in person waits for approval (3 working days).
  const nr = await gql<Pick<Query, 'accountWorkList'>>(
    hub.url,
    `{ accountWorkList(list: NOT_REGISTERED, area: "${PROVINCE}", first: 1) { nodes { personalId } } }`,
    {},
    bearer(approver),
  );
  const id = nr.body.data!.accountWorkList.nodes[0].personalId;
  const reg = await gql<Pick<Mutation, 'accountRegister'>>(
    hub.url,
    `mutation($id: PersonalId!) { accountRegister(input: { personalId: $id, level: 2, phone: "0912345678", fingerprintsCaptured: true }) { account { status } userErrors { code } } }`,
    { id },
    bearer(approver),
  );
  expect(reg.body.data!.accountRegister.account?.status).toBe('PENDING');
  const { context, page, errors } = await desktop();
  await signIn(page, 'CA-HN-AP-01', 'Hồ sơ chờ duyệt tài khoản');
  const item = page.locator(`li[data-request="${id}"]`);
  await item.waitFor();
  await screenshot(page, 'workbench-approvals');
  await expectAccessible(page);
  await item.getByRole('button', { name: /^Duyệt:/ }).click();
  await page.getByText(/Đã duyệt tài khoản của/).waitFor();
  const acc = await gql<Pick<Query, 'account'>>(
    hub.url,
    `query($id: PersonalId!) { account(personalId: $id) { status } }`,
    { id },
    bearer(approver),
  );
  expect(acc.body.data!.account?.status).toBe('APPROVED');
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('English is one tap away in the workbench too', async () => {
  const { context, page } = await desktop();
  await signIn(page, 'CA-HN-DC-01', 'Đối soát dữ liệu');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Data reconciliation' }).waitFor();
  await page.getByRole('link', { name: 'Cases', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
  await page.locator('tr[data-case]').first().waitFor();
  await screenshot(page, 'workbench-cases-en');
  await expectAccessible(page);
  await context.close();
}, 60_000);
