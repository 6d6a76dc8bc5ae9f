/**
 * Asking for a correction in the citizen app (issue 14), in a real browser on a real hub over the
 * real embedded store with a data set of its own (`acor_`): a Level 2 citizen says a field of their
 * driving licence is wrong, gets the request's status and legal deadlines in words, and finds it
 * in My requests with the same deadlines. Both screens are checked with axe-core and saved at
 * phone size (docs/screenshots/correction-form.png, requests.png with APP_SCREENSHOTS=1).
 */
import type { Browser, Page } from 'playwright-core';
import { seed } from '../../mockdata/seed';
import { ensureAppBuilt } from '../../scripts/app-build';
import { pickTestCitizens, type TestCitizens } from '../support/citizens';
import { startTestHub, type TestHub } from '../support/hub';
import { capturedLog, signIn as signInThroughHub } from './sign-in';
import { launch, phone, screenshot, seriousViolations } from './browser';

const log = capturedLog();
let hub: TestHub;
let browser: Browser;
let people: TestCitizens;

beforeAll(async () => {
  await ensureAppBuilt({ quiet: true });
  hub = await startTestHub({ HUB_TRUSTED_DOCUMENTS: 'required' }, 'acor_', { logger: log.logger });
  await seed(hub.store, { citizens: 200, seed: 23 });
  people = await pickTestCitizens(hub.store);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

function signIn(page: Page, personalId: string): Promise<void> {
  return signInThroughHub(page, hub.url, { personalId }, log.lines, 'Giấy tờ của tôi');
}

it('a Level 2 citizen files a correction from a paper and sees it in My requests with its deadlines', async () => {
  const { context, page, errors } = await phone(browser);
  await signIn(page, people.l2);
  const licence = page.locator('[data-card="driving-licence"]');
  await licence.getByText('Số giấy phép').first().waitFor();

  // The control says which paper it is about; it opens a form, closed by default.
  const button = licence.getByRole('button', { name: 'Báo sai: Giấy phép lái xe' });
  expect(await button.getAttribute('aria-expanded')).toBe('false');
  await button.click();
  expect(await button.getAttribute('aria-expanded')).toBe('true');
  const form = licence.locator('form');
  await form.getByLabel('Thông tin bị sai').selectOption('number');

  // The note is required: an empty one is refused in words, without a request.
  await form.getByRole('button', { name: 'Gửi đề nghị' }).click();
  await form.getByRole('alert').getByText('Hãy ghi sai ở đâu và đúng phải là gì.').waitFor();
  const note = form.getByLabel('Sai ở đâu và đúng phải là gì (bắt buộc)');
  expect(await note.getAttribute('maxlength')).toBe('500');
  await note.fill('Số giấy phép trên thẻ khác số trong cơ sở dữ liệu.');
  await form.getByText('Còn 450 trong 500 ký tự.').waitFor();
  expect(await form.getByRole('alert').count()).toBe(0);
  await form.scrollIntoViewIfNeeded();
  await screenshot(page, 'correction-form');
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByRole('button', { name: 'Gửi đề nghị' }).click();
  const done = licence.getByRole('status');
  await done.getByText('Đã gửi đề nghị điều chỉnh.').waitFor();
  const confirmation = (await done.textContent()) ?? '';
  expect(confirmation).toContain('Trạng thái: Đã tiếp nhận.');
  expect(confirmation).toMatch(/Cơ quan phải xác nhận chậm nhất: Thứ .+\d{2}\/\d{2}\/\d{4} lúc 23:59/);
  expect(confirmation).toMatch(/Phải giải quyết chậm nhất: .+\d{2}\/\d{2}\/\d{4} lúc 23:59/);
  expect(await seriousViolations(page)).toEqual([]);

  // My requests: the same request, its paper and field, status and deadlines.
  await done.getByRole('link', { name: 'Xem trong Yêu cầu của tôi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Yêu cầu của tôi' }).waitFor();
  const card = page.locator('[data-request]').first();
  await card.getByRole('heading', { name: 'Đề nghị điều chỉnh' }).waitFor();
  const text = (await card.textContent()) ?? '';
  expect(text).toContain('Số giấy phép — CSDL giấy phép lái xe');
  expect(text).toContain('Đã tiếp nhận');
  expect(text).toContain('Số giấy phép trên thẻ khác số trong cơ sở dữ liệu.');
  const deadline = confirmation.match(/Phải giải quyết chậm nhất: (.+?)\./)![1];
  expect(text).toContain(`Hạn giải quyết${deadline}`);
  expect(text).not.toContain('Quá hạn');
  await screenshot(page, 'requests');
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);
