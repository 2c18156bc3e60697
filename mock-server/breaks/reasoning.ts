// Reasoning: where the thinking goes (or does not).
import { setContent } from '../completion/choice.js';
import { invalidRequest } from '../core/api-error.js';
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
    // A non-reasoning model served under the reasoning model's name: no reasoning text and no
    // count (hiding the text but keeping the count is what OpenAI's o-series does, so that
    // alone would not be a fault), and reasoning_effort refused as such a model refuses it.
    request: (req) =>
      req.reasoning_effort != null
        ? invalidRequest(
            "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
            'reasoning_effort',
            'unsupported_parameter',
          )
        : undefined,
    choice(c) {
      c.reasoning = null;
      c.reasoningTokens = 0;
    },
  },
  'reasoning-effort-ignored': {
    // Dropped before anything checks it, as a relay that does not know the parameter does:
    // the value never reaches the model, so even an invalid one is answered.
    raw(body) {
      delete body['reasoning_effort'];
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
