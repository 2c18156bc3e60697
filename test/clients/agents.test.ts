// The agents' part of the readiness matrix, without the agents (their binaries are too heavy
// for npm test): which breaks they run under, and how a failure is worded.
import { describe, expect, it } from 'vitest';
import { breaks } from '../../spec/breaks.js';
import { agentColumns, AGENT_OPERATIONS, lastErrorLine, surfaceBreaks } from '../../scripts/dev/clients/agents.js';

describe('the breaks of an API', () => {
  it('are the Responses breaks for the Responses API, and no chat break', () => {
    const responses = surfaceBreaks('responses');
    expect(responses).toEqual(
      breaks()
        .filter((b) => b.category === 'responses')
        .map((b) => b.id),
    );
    expect(responses.length).toBeGreaterThanOrEqual(13);
    expect(responses).not.toContain('stream-default-true');
  });

  it('give an agent its columns: faithful, every dialect, then the breaks of its API (or every break)', () => {
    const columns = agentColumns('responses', ['openai', 'aiid'], 'surface');
    expect(columns.slice(0, 3)).toEqual([
      { kind: 'faithful' },
      { kind: 'profile', id: 'openai' },
      { kind: 'profile', id: 'aiid' },
    ]);
    expect(columns.slice(3).map((c) => ('id' in c ? c.id : ''))).toEqual(surfaceBreaks('responses'));
    expect(agentColumns('responses', [], 'all')).toHaveLength(1 + breaks().length);
  });
});

describe('the agent operations', () => {
  it('are Codex on the Responses API and Claude Code on the Messages API', () => {
    expect(AGENT_OPERATIONS.map((o) => [o.id, o.surface, o.package])).toEqual([
      ['codex.plain-task', 'responses', '@openai/codex'],
      ['codex.tool-task', 'responses', '@openai/codex'],
      ['claude-code.plain-question', 'messages', '@anthropic-ai/claude-code'],
      ['claude-code.read-tool', 'messages', '@anthropic-ai/claude-code'],
    ]);
  });

  it("quote the agent's own last error line, or nothing when it printed none", () => {
    expect(lastErrorLine('Reading prompt\nERROR: unexpected status 404 Not Found\n\ntokens used\n9,446\n')).toBe(
      'unexpected status 404 Not Found',
    );
    expect(lastErrorLine('tokens used\n9,446\n')).toBe('');
  });
});
