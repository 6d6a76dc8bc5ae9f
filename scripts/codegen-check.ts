/**
 * Fails when generated/ is stale. `graphql-codegen --check` compares unformatted
 * output (its hooks do not run in check mode), so this generates in memory,
 * formats with prettier exactly as the afterOneFileWrite hook does, and compares.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import * as prettier from 'prettier';
import config from '../codegen';

async function main(): Promise<void> {
  const outputs = (await generate({ ...config, hooks: {}, silent: true }, false)) as Array<{
    filename: string;
    content: string;
  }>;
  const stale: string[] = [];
  for (const out of outputs) {
    const path = resolve(out.filename);
    const options = (await prettier.resolveConfig(path)) ?? {};
    const expected = await prettier.format(out.content, { ...options, filepath: path });
    let actual = '';
    try {
      actual = readFileSync(path, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (actual !== expected) stale.push(out.filename);
  }
  if (stale.length) {
    console.error(`generated code is stale: ${stale.join(', ')}\nrun \`npm run codegen\` and commit the result`);
    process.exit(1);
  }
  console.log('generated code is up to date');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
