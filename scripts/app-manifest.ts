/**
 * Writes the citizen app's trusted-documents manifest, `app/persisted-documents.json`
 * (`{ "<sha256 hex>": "<query text>" }`, the form the hub accepts), from the client preset's
 * `generated/app/persisted-documents.json` (keys `sha256:<hex>`), checking every hash.
 *
 *   tsx scripts/app-manifest.ts           write it (run by `npm run codegen`)
 *   tsx scripts/app-manifest.ts --check   exit 1 when it is stale (run by `npm run codegen:check`)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const APP_MANIFEST = join(ROOT, 'app', 'persisted-documents.json');
const GENERATED = join(ROOT, 'generated', 'app', 'persisted-documents.json');

/** The manifest's text: keys without the `sha256:` prefix, each checked against its text. */
export function appManifestText(): string {
  const generated = JSON.parse(readFileSync(GENERATED, 'utf8')) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(generated)) {
    const hex = key.replace(/^sha256:/, '');
    const actual = createHash('sha256').update(text).digest('hex');
    if (hex !== actual) throw new Error(`persisted document ${key}: its text hashes to ${actual}`);
    out[hex] = text;
  }
  return JSON.stringify(out, null, 2) + '\n';
}

if (require.main === module) {
  const text = appManifestText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(APP_MANIFEST, 'utf8');
    } catch {
      /* missing: stale */
    }
    if (current !== text) {
      process.stderr.write('app/persisted-documents.json is stale: run npm run codegen\n');
      process.exit(1);
    }
  } else {
    writeFileSync(APP_MANIFEST, text);
  }
}
