/**
 * A real browser for the citizen app's end-to-end tests: Debian's Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) driven by playwright-core, at phone size; axe-core run in each page; screenshots
 * into docs/screenshots.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return path;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--lang=vi-VN'] });
}

/** A fresh phone-sized context (its own storage), Vietnam time, Vietnamese by default. */
export async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The browser globals the tests' page functions use, typed here: the tests compile without the DOM
 * library (the hub's code must not see it), and these functions run in the page.
 */
export interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
export interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null };
  navigator: { serviceWorker: { ready: Promise<unknown> } };
  caches: {
    keys(): Promise<string[]>;
    open(name: string): Promise<{ keys(): Promise<Array<{ url: string }>> }>;
  };
  axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's violations of impact serious or critical on the page as it is now (WCAG 2.x A/AA). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (scripts from its origin only) stays on.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals;
    const r = await g.axe.run(g.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Saves the viewport (phone size) as docs/screenshots/<name>.png when APP_SCREENSHOTS=1
 * (`npm run app:screenshots`); otherwise takes it without saving (a plain test run leaves the
 * committed pictures alone).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const save = process.env.APP_SCREENSHOTS === '1';
  await page.screenshot({ ...(save ? { path: join(SCREENSHOTS, `${name}.png`) } : {}), fullPage: false });
}

/**
 * Writes a Y4M video (what Chromium's fake camera plays, `--use-file-for-fake-video-capture`) of
 * the QR code of `text`: black modules on white, 8 px each, in the middle of 640×480 frames.
 */
export async function qrVideo(text: string, path: string): Promise<void> {
  const { generate } = await import('lean-qr');
  const code = generate(text);
  const [w, h, px] = [640, 480, 8];
  const y = Buffer.alloc(w * h, 255);
  const left = Math.floor((w - code.size * px) / 2);
  const top = Math.floor((h - code.size * px) / 2);
  for (let my = 0; my < code.size; my++) {
    for (let mx = 0; mx < code.size; mx++) {
      if (!code.get(mx, my)) continue;
      for (let dy = 0; dy < px; dy++)
        y.fill(0, (top + my * px + dy) * w + left + mx * px, (top + my * px + dy) * w + left + (mx + 1) * px);
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
}

/** A browser whose camera shows the video at `y4m` (and asks no permission). */
export function launchWithCamera(y4m: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--lang=vi-VN',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ],
  });
}
