/**
 * Signing in to the citizen app as a person does, through the hub's own doors: the app's button,
 * the hub's login page (a citizen's personal ID, or a development officer account), the one-time
 * code the hub writes to its log (standing in for SMS), and back to the app.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { Page } from 'playwright-core';

/** A logger for the test hub whose lines the test can read (the one-time codes). */
export function capturedLog(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    }),
  );
  return { logger, lines };
}

export type Who = { personalId: string } | { officerId: string };

/** From the app's login screen to the screen the app opens after signing in. */
export async function signIn(
  page: Page,
  hubUrl: string,
  who: Who,
  log: Array<Record<string, unknown>>,
  landing: string,
): Promise<void> {
  await page.goto(`${hubUrl}/app/`);
  await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản định danh điện tử' }).click();
  await page.waitForURL(/\/oauth\/authorize/);
  const before = log.length;
  if ('personalId' in who) {
    await page.locator('#personal_id').fill(who.personalId);
    await page.locator('form:has(#personal_id) button[type="submit"]').click();
  } else {
    await page.locator('#officer_id').selectOption(who.officerId);
    await page.locator('form:has(#officer_id) button[type="submit"]').click();
  }
  await page.locator('#code').waitFor();
  const line = log
    .slice(before)
    .filter((l) => l.msg === 'development IdP one-time code')
    .at(-1);
  if (!line) throw new Error('the hub logged no one-time code');
  await page.locator('#code').fill(String(line.code));
  await page.locator('form:has(#code) button[type="submit"]').click();
  await page.getByRole('heading', { level: 1, name: landing }).waitFor();
}
