/**
 * Renders the app's PNG icons (192 and 512 px) from app/public/icons/icon.svg with headless
 * Chromium (playwright-core; CHROMIUM_PATH, default /usr/bin/chromium). Run after editing the SVG:
 *
 *   npx tsx scripts/app-icons.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const DIR = join(__dirname, '..', 'app', 'public', 'icons');

async function main(): Promise<void> {
  const svg = readFileSync(join(DIR, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    for (const size of [192, 512]) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
      );
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      writeFileSync(join(DIR, `icon-${size}.png`), png);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`app-icons: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
