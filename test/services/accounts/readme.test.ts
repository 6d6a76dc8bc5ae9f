import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mermaidDiagram } from '../../../services/accounts/lifecycle/table';

describe('docs/accounts.md', () => {
  it('shows the lifecycle diagram generated from the transition table', () => {
    const readme = readFileSync(join(__dirname, '../../../docs/accounts.md'), 'utf8');
    expect(readme).toContain('```mermaid\n' + mermaidDiagram() + '\n```');
  });
});
