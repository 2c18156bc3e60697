// The README documents the mock's grammar: keep it in step with the code's own table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRAMMAR } from '../../mock-server/core/instructions.js';
import { INJECTABLE_STATUSES } from '../../mock-server/http/faults.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('gives the quick start exactly as the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('shows every rule of the instruction grammar with its example', () => {
    for (const rule of GRAMMAR.filter((r) => r.kind !== 'prose')) expect(readme).toContain(rule.example);
  });

  it('lists every status that can be injected', () => {
    for (const status of INJECTABLE_STATUSES) expect(readme).toContain(`\`${status}`);
  });
});
