// examples/ must work as shipped: the config parses with the runner's own parser, the
// baseline with the gate's, and the workflow wires keys, the gate, the summary and the artifact.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../suites/target.js';
import { parseBaseline } from '../../suites/report/gate/index.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('examples/', () => {
  const config = parseConfig(read('examples/relaycheck.yaml'), 'examples/relaycheck.yaml');

  it('relaycheck.yaml: three placeholder targets, each with its key variable, auth and require', () => {
    expect(config.targets.map((t) => t.name)).toEqual(['relay-a', 'relay-b', 'relay-c']);
    for (const t of config.targets) {
      expect(new URL(t.baseUrl).hostname).toMatch(/\.example$/);
      expect(t.keyEnv).toMatch(/^RELAY_[ABC]_KEY$/);
      expect(t.require?.length).toBeGreaterThan(0);
    }
    expect(config.targets.map((t) => t.auth)).toEqual(['bearer', 'bearer', 'api-key']);
  });

  it('relaycheck-baseline.yaml parses and names the config’s targets', () => {
    const baseline = parseBaseline(read('examples/relaycheck-baseline.yaml'));
    expect(Object.keys(baseline.targets)).toEqual(config.targets.map((t) => t.name));
  });

  it('the nightly workflow runs on a cron, takes every key from a secret, gates, summarises and uploads', () => {
    const text = read('examples/relaycheck-nightly.yml');
    const wf = parse(text) as {
      on: { schedule: { cron: string }[] };
      jobs: Record<
        string,
        {
          steps: {
            run?: string;
            uses?: string;
            if?: string;
            env?: Record<string, string>;
            with?: Record<string, unknown>;
          }[];
        }
      >;
    };
    expect(wf.on.schedule[0]!.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    const steps = Object.values(wf.jobs)[0]!.steps;
    const run = steps.find((s) => s.run?.includes('npx relaycheck run'))!;
    // In the user's repository: the config and baseline at its root, relaycheck from npm ci.
    expect(run.run).toContain('--config relaycheck.yaml');
    expect(run.run).toContain('--baseline relaycheck-baseline.yaml');
    expect(steps.filter((s) => `${s.run ?? ''}${JSON.stringify(s.with ?? {})}`.includes('examples/'))).toEqual([]);
    expect(steps.findIndex((s) => s.run === 'npm ci')).toBeLessThan(steps.indexOf(run));
    for (const t of config.targets) expect(run.env![t.keyEnv]).toBe(`\${{ secrets.${t.keyEnv} }}`);
    expect(steps.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'))!.if).toBe('always()');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with!.path).toBe('relaycheck-report/');
    expect(text).not.toMatch(/sk-[A-Za-z0-9]{8,}/);
  });
});

describe('examples/relaycheck-matrix.yml', () => {
  type Step = { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> };
  const wf = parse(read('examples/relaycheck-matrix.yml')) as {
    jobs: Record<
      string,
      { needs?: string; if?: string; strategy?: { matrix: { include: Record<string, string>[] } }; steps: Step[] }
    >;
  };

  it('runs one job per target with its own key secret, then merges the reports', () => {
    const relay = wf.jobs.relay!;
    const targets = relay.strategy!.matrix.include;
    expect(targets.length).toBeGreaterThan(1);
    for (const t of targets) expect(new URL(t['base-url']!).hostname).toMatch(/\.example$/);
    const run = relay.steps.find((s) => s.run?.includes('npx relaycheck run'))!;
    expect(run.env!.RELAYCHECK_API_KEY).toBe('${{ secrets[matrix.key] }}');
    expect(run.run).toContain('--out report-${{ matrix.name }}');
    const merge = wf.jobs.merge!;
    expect(merge.needs).toBe('relay');
    expect(merge.if).toBe('always()');
    const report = merge.steps.find((s) => s.run?.includes('npx relaycheck report'))!;
    expect(report.run).toContain('report-*/report.json');
    for (const job of Object.values(wf.jobs)) expect(job.steps.some((s) => s.run === 'npm ci')).toBe(true);
  });
});
