/**
 * The citizen app end to end, in a real browser (Chromium through playwright-core) on a real hub
 * over the real embedded store with a data set of its own (`app_`): sign in, my papers, a Level 1
 * citizen's explanation, consents given and withdrawn, the access log with its filters, a source
 * down on its card only, and the language switch. Every screen is checked with axe-core (no
 * serious or critical violation) and saved at phone size into docs/screenshots.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { seed } from '../../mockdata/seed';
import { ensureAppBuilt } from '../../scripts/app-build';
import { registerClient } from '../../services/access/clients';
import { pickTestCitizens, type TestCitizens } from '../support/citizens';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';
import { capturedLog, signIn as signInThroughHub } from './sign-in';
import { launch, phone, screenshot, seriousViolations, type PageElement, type PageGlobals } from './browser';

const keys = testKeys();
const log = capturedLog();
let hub: TestHub;
let browser: Browser;
let people: TestCitizens;
const CLIENT = { id: `app-dvc-${randomUUID().slice(0, 6)}`, name: 'Cổng DVC thử nghiệm', secret: '' };

beforeAll(async () => {
  await ensureAppBuilt({ quiet: true });
  // As in production: the app's tokens may run registered documents only (it sends ids, never text).
  hub = await startTestHub({ HUB_TRUSTED_DOCUMENTS: 'required' }, 'app_', { logger: log.logger });
  await seed(hub.store, { citizens: 200, seed: 23 });
  people = await pickTestCitizens(hub.store);
  const r = await registerClient(hub.store, {
    id: CLIENT.id,
    name: CLIENT.name,
    scopes: ['IDENTITY', 'RESIDENCE', 'DRIVING_LICENCE'],
    purposes: ['1.001234', '2.000999'],
    purposeNames: { '1.001234': 'Cấp đổi giấy phép lái xe' },
  });
  CLIENT.secret = r.secret!;
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** Signs a citizen in through the hub's login page; the app opens on their papers. */
function signIn(page: Page, personalId: string): Promise<void> {
  return signInThroughHub(page, hub.url, { personalId }, log.lines, 'Giấy tờ của tôi');
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

it('a signed-out visitor gets the login screen, which is accessible', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${hub.url}/app/papers`);
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
  expect(page.url()).toBe(`${hub.url}/app/login`);
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  await screenshot(page, 'login');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
});

it('sign in → my papers: every card with its source and the source’s last update', async () => {
  const { context, page, errors } = await phone(browser);
  await signIn(page, people.l2);
  const licence = page.locator('[data-card="driving-licence"]');
  await licence.getByText('Số giấy phép').waitFor();
  expect(await licence.textContent()).toContain('Nguồn: CSDL giấy phép lái xe');
  expect(await licence.textContent()).toContain('Nguồn cập nhật:');
  const identity = page.locator('[data-card="identity"]');
  expect(await identity.textContent()).toContain(people.l2);
  for (const card of [
    'identity-card',
    'residence',
    'family',
    'health-insurance',
    'social-insurance',
    'health-record',
  ]) {
    await page.locator(`[data-card="${card}"]`).waitFor();
  }
  await screenshot(page, 'papers');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
});

it('a Level 1 citizen sees what Level 2 is and where to get it, never a raw error', async () => {
  const { context, page } = await phone(browser);
  await signIn(page, people.l1);
  const notice = page.getByText('Tài khoản của bạn đang ở mức 1');
  await notice.waitFor();
  expect(await page.textContent('main')).toContain('công an cấp xã');
  expect(await page.locator('[data-card="driving-licence"]').textContent()).toContain(
    'Cần tài khoản định danh điện tử mức 2',
  );
  expect(await page.textContent('main')).not.toMatch(/LEVEL_TOO_LOW|FORBIDDEN/);
  await screenshot(page, 'papers-level1');
  await expectAccessible(page);
  await context.close();
});

it('English is one tap away, kept across reloads, and <html lang> follows', async () => {
  const { context, page } = await phone(browser);
  await signIn(page, people.l2);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'My papers' }).waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My papers' }).waitFor();
  await screenshot(page, 'papers-en');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  await context.close();
});

/** Reads of the citizen's data by others: a client under the consent, an officer of their province. */
async function readAsClientAndOfficer(consentId: string): Promise<void> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', consent_id: consentId });
  const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
  const tok = await fetch(`${hub.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(tok.status).toBe(200);
  const { access_token } = (await tok.json()) as { access_token: string };
  const Q = 'query($id: PersonalId!) { citizen(personalId: $id) { fullName drivingLicence { number } } }';
  const asClient = await gql<{ citizen: { drivingLicence: unknown } }>(
    hub.url,
    Q,
    { id: people.l2 },
    { authorization: `Bearer ${access_token}` },
  );
  expect(asClient.body.data!.citizen.drivingLicence).not.toBeNull();
  const officer = keys.officer('DATA_CLEANING', { province: people.area.province });
  const asOfficer = await gql<{ citizen: { fullName: string } }>(
    hub.url,
    'query($id: PersonalId!) { citizen(personalId: $id) { fullName } }',
    {
      id: people.l2,
    },
    { authorization: `Bearer ${officer}` },
  );
  expect(asOfficer.body.data!.citizen.fullName).toEqual(expect.any(String));
  // The access-log index is written after the audit records: wait until both reads are listed.
  const LOG = '{ myAccessLog(first: 10) { entries { readerKind } } }';
  for (;;) {
    const r = await gql<{ myAccessLog: { entries: Array<{ readerKind: string }> } }>(
      hub.url,
      LOG,
      {},
      {
        authorization: `Bearer ${keys.citizen(people.l2)}`,
      },
    );
    const kinds = r.body.data!.myAccessLog.entries.map((e) => e.readerKind);
    if (kinds.includes('CLIENT') && kinds.includes('OFFICER')) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

it('consents: give one to a registered client, see its reads in the access log (filtered), withdraw it', async () => {
  const { context, page, errors } = await phone(browser);
  await signIn(page, people.l2);
  await page.getByRole('link', { name: 'Đồng ý chia sẻ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đồng ý chia sẻ dữ liệu' }).waitFor();
  await page.getByLabel('Hệ thống', { exact: true }).selectOption(CLIENT.id);
  await page.getByLabel('Thủ tục', { exact: true }).selectOption('1.001234');
  await page.getByRole('checkbox', { name: /Thông tin nhân thân/ }).check();
  await page.getByRole('checkbox', { name: /Giấy phép lái xe/ }).check();
  expect(await page.getByRole('checkbox').count()).toBe(3); // only the client's registered papers
  await page.getByLabel('Số hồ sơ', { exact: true }).fill('HS-APP-0001');
  await screenshot(page, 'consents-grant');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Đồng ý cho phép' }).click();
  await page.getByText(`Đã cho phép ${CLIENT.name} đọc dữ liệu.`).waitFor();
  const card = page.locator('[data-consent]').first();
  expect(await card.textContent()).toContain('Đang có hiệu lực');
  expect(await card.textContent()).toContain('Cấp đổi giấy phép lái xe');
  const consentId = (await card.getAttribute('data-consent'))!;

  await readAsClientAndOfficer(consentId);
  await page.getByRole('link', { name: 'Ai đã xem' }).click();
  const logList = page.locator('ol.log');
  await logList.waitFor();
  const text = (await logList.textContent())!;
  expect(text).toContain(`Hệ thống: ${CLIENT.name}`);
  expect(text).toContain('HS-APP-0001');
  expect(text).toContain('1.001234');
  expect(text).toContain('Cán bộ: Công an (test)');
  await screenshot(page, 'access-log');
  await expectAccessible(page);

  // Only the reads of the driving licence: the client's, not the officer's (identity only).
  await page.getByLabel('Giấy tờ', { exact: true }).selectOption('DRIVING_LICENCE');
  await page.getByRole('button', { name: 'Áp dụng' }).click();
  await page.getByRole('button', { name: 'Bỏ lọc' }).waitFor();
  await page.waitForFunction(
    () => !(globalThis as unknown as PageGlobals).document.querySelector('ol.log')?.textContent?.includes('Cán bộ'),
  );
  expect(await logList.textContent()).toContain(`Hệ thống: ${CLIENT.name}`);
  // A period in the future: nothing.
  const tomorrow = new Date(Date.now() + 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
  await page.getByLabel('Từ ngày', { exact: true }).fill(tomorrow);
  await page.getByRole('button', { name: 'Áp dụng' }).click();
  await page.getByText('Không có lượt xem nào khớp bộ lọc.').waitFor();

  await page.getByRole('link', { name: 'Đồng ý chia sẻ' }).click();
  await page.locator(`[data-consent="${consentId}"]`).getByRole('button', { name: 'Rút lại đồng ý' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(`Rút lại đồng ý cho ${CLIENT.name}?`);
  await screenshot(page, 'consents-revoke');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Rút lại' }).click();
  await page.getByText(`Đã rút lại đồng ý cho ${CLIENT.name}.`).waitFor();
  expect(await page.locator(`[data-consent="${consentId}"]`).textContent()).toContain('Đã rút lại');
  expect(await page.locator(`[data-consent="${consentId}"]`).getByRole('button').count()).toBe(0);
  await screenshot(page, 'consents');
  expect(errors).toEqual([]);
  await context.close();
});

it('a source that does not answer shows “temporarily unavailable” on its own card only', async () => {
  const { context, page } = await phone(browser);
  hub.guards.faults.set('drivingLicence', { errorRate: 1 });
  try {
    await signIn(page, people.l2);
    const licence = page.locator('[data-card="driving-licence"]');
    await licence.getByText('Tạm thời không lấy được').waitFor();
    expect(await licence.textContent()).toContain('Nguồn: CSDL giấy phép lái xe');
    const others = await page
      .locator('[data-card]')
      .evaluateAll((cards: unknown[]) =>
        (cards as PageElement[])
          .filter((c) => c.textContent?.includes('Tạm thời không lấy được'))
          .map((c) => c.getAttribute('data-card')),
      );
    expect(others).toEqual(['driving-licence']);
    expect(await page.locator('[data-card="identity-card"]').textContent()).toContain('Số');
    await licence.scrollIntoViewIfNeeded();
    await screenshot(page, 'papers-source-down');
    await expectAccessible(page);
  } finally {
    hub.guards.faults.clear();
    await context.close();
  }
});

it('the service worker caches the app’s shell only, never papers data', async () => {
  const { context, page } = await phone(browser);
  await signIn(page, people.l2);
  await page.locator('[data-card="driving-licence"]').waitFor();
  const cached = await page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals;
    await g.navigator.serviceWorker.ready;
    const urls: string[] = [];
    for (const name of await g.caches.keys()) {
      for (const req of await (await g.caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain('/app/');
  expect(cached.some((u) => u.startsWith('/app/assets/'))).toBe(true);
  expect(cached.filter((u) => !u.startsWith('/app/'))).toEqual([]);
  await context.close();
});

it('refreshes its tokens with rotation, and signing out ends the session at the hub', async () => {
  // Access tokens of 30 s: the app refreshes before every request (it refreshes 30 s ahead).
  const short = await startTestHub({ HUB_ACCESS_TOKEN_TTL_S: '30', HUB_TRUSTED_DOCUMENTS: 'required' }, 'app_', {
    logger: log.logger,
  });
  const { context, page, errors } = await phone(browser);
  try {
    await signInThroughHub(page, short.url, { personalId: people.l2 }, log.lines, 'Giấy tờ của tôi');
    const session = async () =>
      JSON.parse(
        (await page.evaluate(() =>
          (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
            'app.session',
          ),
        )) ?? 'null',
      ) as { refreshToken?: string; via: string } | null;
    const first = (await session())!;
    expect(first.via).toBe('oauth');
    await page.getByRole('link', { name: 'Ai đã xem' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ai đã xem dữ liệu của tôi' }).waitFor();
    await page.locator('form.filters').waitFor();
    await page.waitForFunction(
      (old) =>
        !(globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage
          .getItem('app.session')
          ?.includes(old),
      first.refreshToken!,
    );
    const rotated = (await session())!.refreshToken!;
    expect(rotated).not.toBe(first.refreshToken);

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    expect(await session()).toBeNull();
    const refresh = await fetch(`${short.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'citizen-app', refresh_token: rotated }),
    });
    expect(refresh.status).toBe(400);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await short.close();
  }
});
