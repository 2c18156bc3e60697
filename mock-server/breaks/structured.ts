// Structured output: JSON mode answered the way a best-effort relay does.
import { setContent } from '../completion/choice.js';
import { invalidRequest } from '../core/api-error.js';
import type { BreakImpl } from './hooks.js';
import { isObject } from './json.js';

export const structuredBreaks: Record<string, BreakImpl> = {
  'json-fenced': {
    choice(c, ctx) {
      if (ctx.request.response_format?.type === 'json_object' && c.content !== null)
        setContent(c, `\`\`\`json\n${c.content}\n\`\`\``);
    },
  },
  'schema-not-enforced': {
    choice(c, ctx) {
      const format = ctx.request.response_format;
      if (format?.type !== 'json_schema' || c.content === null) return;
      const required = (format.json_schema?.schema as { required?: unknown } | undefined)?.required;
      try {
        const value: unknown = JSON.parse(c.content);
        if (!isObject(value)) return;
        const missing =
          Array.isArray(required) && typeof required[0] === 'string' ? required[0] : Object.keys(value)[0];
        if (missing !== undefined) delete value[missing];
        setContent(c, JSON.stringify(value));
      } catch {
        /* not JSON: nothing to loosen */
      }
    },
  },
  'response-format-ignored': {
    request(req) {
      delete req.response_format;
    },
  },
  'json-schema-rejected': {
    request: (req) =>
      req.response_format?.type === 'json_schema'
        ? invalidRequest(
            "Invalid value: 'json_schema' response_format is unavailable on this relay.",
            'response_format.type',
            'unsupported_value',
          )
        : undefined,
  },
};
