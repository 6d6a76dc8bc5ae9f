/**
 * Share by QR end to end, in two real browsers on a real hub and store (data set `apq_`): the
 * citizen picks fields and gets a QR code with its countdown; an officer's browser, whose camera
 * films that QR code (Chromium's fake camera playing a video of it), scans it, sees exactly those
 * fields and a valid signature; the same code typed again is refused; the citizen's access log
 * shows the share made and checked. axe-core on each screen; phone-size screenshots.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seed } from '../../mockdata/seed';
import { ensureAppBuilt } from '../../scripts/app-build';
import { pickTestCitizens, type TestCitizens } from '../support/citizens';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';
import { capturedLog, signIn as signInThroughHub, type Who } from './sign-in';

const OFFICER = 'CA-HN-DC-01';
import { launch, launchWithCamera, phone, qrVideo, screenshot, seriousViolations } from './browser';

const keys = testKeys();
const log = capturedLog();
let hub: TestHub;
let browser: Browser;
let people: TestCitizens;
const CHOSEN = ['FULL_NAME', 'DATE_OF_BIRTH', 'DRIVING_LICENCE_NUMBER', 'DRIVING_LICENCE_CLASSES'];

beforeAll(async () => {
  await ensureAppBuilt({ quiet: true });
  // As in production: the app's tokens may run registered documents only (it sends ids, never text).
  hub = await startTestHub({ HUB_TRUSTED_DOCUMENTS: 'required' }, 'apq_', { logger: log.logger });
  await seed(hub.store, { citizens: 200, seed: 23 });
  people = await pickTestCitizens(hub.store);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

function signIn(page: Page, who: Who, landing: string): Promise<void> {
  return signInThroughHub(page, hub.url, who, log.lines, landing);
}

it('a Level 1 citizen can share identity fields only, and is told why', async () => {
  const { context, page } = await phone(browser);
  await signIn(page, { personalId: people.l1 }, 'Giấy tờ của tôi');
  await page.getByRole('link', { name: 'Chia sẻ QR' }).click();
  await page.getByText('Tài khoản mức 1 chỉ chia sẻ được thông tin nhân thân.', { exact: false }).waitFor();
  expect(await page.locator('fieldset.share-paper legend').allTextContents()).toEqual(['Thông tin nhân thân']);
  await context.close();
});

it('QR share → the verifier scans it and sees exactly those fields, signed → a reused code is refused → the access log shows the share', async () => {
  // The citizen makes the code.
  const citizen = await phone(browser);
  await signIn(citizen.page, { personalId: people.l2 }, 'Giấy tờ của tôi');
  const name = (await citizen.page.locator('#identity-name').textContent())!.trim();
  await citizen.page.getByRole('link', { name: 'Chia sẻ QR' }).click();
  await citizen.page.getByRole('heading', { level: 1, name: 'Chia sẻ bằng mã QR' }).waitFor();
  await citizen.page.getByRole('checkbox', { name: 'Họ và tên' }).check();
  await citizen.page.getByRole('checkbox', { name: 'Ngày sinh' }).check();
  await citizen.page.getByRole('checkbox', { name: 'Số giấy phép' }).check();
  await citizen.page.getByRole('checkbox', { name: 'Các hạng và thời hạn' }).check();
  await screenshot(citizen.page, 'share-pick');
  expect(await seriousViolations(citizen.page)).toEqual([]);
  await citizen.page.getByRole('button', { name: 'Tạo mã QR' }).click();
  const codeText = citizen.page.locator('[data-share-code]');
  await codeText.waitFor();
  const code = (await codeText.textContent())!.trim();
  expect(code).toMatch(/^[A-Za-z0-9_-]{38}$/);
  await citizen.page.getByRole('img', { name: 'Mã QR để chia sẻ 4 thông tin' }).waitFor();
  expect(await citizen.page.getByRole('timer').textContent()).toMatch(/Mã còn hiệu lực \d+ giây/);
  await screenshot(citizen.page, 'share-qr');
  expect(await seriousViolations(citizen.page)).toEqual([]);

  // The officer's phone films that QR code.
  const video = join(mkdtempSync(join(tmpdir(), 'qr-video-')), 'qr.y4m');
  await qrVideo(code, video);
  const cameraBrowser = await launchWithCamera(video);
  try {
    const officer = await phone(cameraBrowser);
    // An officer lands in the workbench (docs/workbench.md); the verifier is one of its tabs.
    await signIn(officer.page, { officerId: OFFICER }, 'Đối soát dữ liệu');
    await officer.page.getByRole('link', { name: 'Kiểm tra mã' }).click();
    await officer.page.getByRole('heading', { level: 1, name: 'Kiểm tra mã chia sẻ' }).waitFor();
    expect(await seriousViolations(officer.page)).toEqual([]);
    await officer.page.getByRole('button', { name: 'Quét mã QR bằng camera' }).click();
    const result = officer.page.locator('[data-verified]');
    await result.waitFor();
    expect(await result.getAttribute('data-verified')).toBe('yes');
    expect(await officer.page.textContent('main')).toContain('Chữ ký hợp lệ');
    const shown = await officer.page
      .locator('[data-shared-field]')
      .evaluateAll((els: unknown[]) =>
        (els as Array<{ getAttribute(n: string): string | null }>).map((e) => e.getAttribute('data-shared-field')),
      );
    expect(shown.sort()).toEqual([...CHOSEN].sort());
    expect(await officer.page.locator('[data-shared-field="FULL_NAME"] dd').textContent()).toBe(name);
    expect(await officer.page.locator('[data-shared-paper]').count()).toBe(2);
    await screenshot(officer.page, 'verify-result');
    expect(await seriousViolations(officer.page)).toEqual([]);

    // The same code again, typed: refused in words.
    await officer.page.getByRole('button', { name: 'Kiểm tra mã khác' }).click();
    await officer.page.getByLabel('Mã chia sẻ (38 ký tự)').fill(code);
    await officer.page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await officer.page.getByText('Mã này đã được dùng. Đề nghị người dân tạo mã mới.').waitFor();
    await screenshot(officer.page, 'verify-used');
    expect(officer.errors).toEqual([]);
  } finally {
    await cameraBrowser.close();
  }

  // The citizen's access log: the code made, and checked by the officer's unit.
  const LOG = '{ myAccessLog(first: 20) { entries { readerKind share { event } } } }';
  for (;;) {
    const r = await gql<{ myAccessLog: { entries: Array<{ readerKind: string; share: { event: string } | null }> } }>(
      hub.url,
      LOG,
      {},
      { authorization: `Bearer ${keys.citizen(people.l2)}` },
    );
    if (r.body.data!.myAccessLog.entries.some((e) => e.share?.event === 'REDEEMED')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  await citizen.page.getByRole('link', { name: 'Ai đã xem' }).click();
  const accessLog = citizen.page.locator('ol.log');
  await accessLog.waitFor();
  const id = code.slice(0, 16);
  expect(await accessLog.textContent()).toContain(`Mã chia sẻ ${id} đã được kiểm tra`);
  expect(await accessLog.textContent()).toMatch(/Cán bộ: Công an/);
  expect(await accessLog.textContent()).toContain(`Bạn đã tạo mã chia sẻ ${id}`);
  expect(await accessLog.textContent()).toContain('Họ và tên, Ngày sinh');
  await screenshot(citizen.page, 'access-log-share');
  expect(await seriousViolations(citizen.page)).toEqual([]);
  expect(citizen.errors).toEqual([]);
  await citizen.context.close();
});
