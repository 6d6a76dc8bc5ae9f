import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Test files that write data use a database prefix of their own: two files on one prefix run in
 * parallel workers on the same databases and see each other's writes (it happened three times:
 * a seed manifest inserted twice, a race test's runs in another file's area, a citizen's access
 * log read by another file). The shared data set (`t_`, TEST_PREFIX) is read by many files.
 */
const ROOT = join(__dirname, '..');
const PREFIX_LITERAL = /'([a-z0-9]{1,16}_)'/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

it('every data-set prefix but the shared one belongs to one test file', () => {
  const owners = new Map<string, Set<string>>();
  for (const file of testFiles(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (!/connectTestStore|startTestHub|setupFixture|PREFIX\s*=|Prefix\s*=/.test(line)) continue;
      for (const [, prefix] of line.matchAll(PREFIX_LITERAL)) {
        if (prefix === 't_') continue;
        const set = owners.get(prefix) ?? new Set<string>();
        set.add(relative(ROOT, file));
        owners.set(prefix, set);
      }
    }
  }
  expect(owners.size).toBeGreaterThan(10);
  const shared = [...owners]
    .filter(([, files]) => files.size > 1)
    .map(([p, files]) => `${p}: ${[...files].join(', ')}`);
  expect(shared).toEqual([]);
});
