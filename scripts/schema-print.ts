/**
 * Writes the hub's SDL to docs/schema.graphql (`npm run schema:print`), or with `--check` fails
 * when that file is stale (`npm run schema:check`, part of `npm test`'s pretest).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { printHubSchema, SCHEMA_FILE } from '../hub/schema-print';

const file = join(__dirname, '..', SCHEMA_FILE);
const sdl = printHubSchema();
if (process.argv.includes('--check')) {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== sdl) {
    process.stderr.write(`${SCHEMA_FILE} is stale: run npm run schema:print and commit it\n`);
    process.exit(1);
  }
} else {
  writeFileSync(file, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
