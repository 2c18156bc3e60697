// `npm start` as a newcomer runs it: a real process, offline, every dialect as documented.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRelays } from '../../../../spec/relays.js';
import { validate } from '../../../../spec/validators.js';

const BIN = fileURLToPath(new URL('../../../../bin/relaycheck.js', import.meta.url));

describe('relaycheck start (the main job)', () => {
  it('probes the mock as every documented relay, prints the comparison and writes every format', async () => {
    const out = mkdtempSync(join(tmpdir(), 'relaycheck-start-'));
    try {
      const child = spawn(process.execPath, [BIN, 'start', '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RELAYCHECK_API_KEY: '' },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stdout).toBe(0);
      for (const relay of loadRelays())
        expect(stdout).toMatch(new RegExp(`${relay.id}\\s+every verdict as its dialect file documents`));
      expect(stdout).toContain('stop ignored: output contains "gamma"');
      for (const file of ['report.json', 'report.md', 'report.html', 'junit.xml'])
        expect(existsSync(join(out, file)), file).toBe(true);
      const report: unknown = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(validate('report', report).errors).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
