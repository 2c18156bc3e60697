// Reasoning: where the thinking goes (or does not).
import { setContent } from '../completion/plan.js';
import { invalidRequest } from '../http/api-error.js';
import type { BreakImpl, JsonObject } from './hooks.js';
import { bodyOf, choicesOf } from './json.js';

function rename(item: JsonObject | string): void {
  for (const choice of choicesOf(item)) {
    const body = bodyOf(choice);
    if (!body || !('reasoning_content' in body)) continue;
    body.reasoning = body.reasoning_content;
    delete body.reasoning_content;
  }
}

export const reasoningBreaks: Record<string, BreakImpl> = {
  'reasoning-field-renamed': {
    response: rename,
    chunks(chunks) {
      chunks.forEach(rename);
      return chunks;
    },
  },
  'reasoning-in-think-tags': {
    choice(c) {
      if (c.reasoning === null) return;
      const reasoning = c.reasoning;
      c.reasoning = null;
      // The reasoning is content now: counted once, as content (not also as reasoning).
      c.reasoningTokens = 0;
      setContent(c, `<think>${reasoning}</think>${c.content ?? ''}`);
    },
  },
  'reasoning-dropped': {
    choice(c) {
      c.reasoning = null;
    },
  },
  'reasoning-effort-ignored': {
    request(req) {
      delete req.reasoning_effort;
    },
  },
  'reasoning-effort-rejected': {
    request: (req) =>
      req.reasoning_effort != null
        ? invalidRequest(
            "Unsupported parameter: 'reasoning_effort' is not supported by this relay.",
            'reasoning_effort',
            'unsupported_parameter',
          )
        : undefined,
  },
};
