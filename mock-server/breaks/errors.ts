// Errors: refusals with the wrong status, in-band, or in a shape clients cannot read.
import type { BreakImpl } from './hooks.js';

export const errorBreaks: Record<string, BreakImpl> = {
  'errors-http-200': {
    error(reply) {
      reply.status = 200;
    },
  },
  'errors-empty-200': {
    error(reply) {
      reply.status = 200;
      reply.envelope = 'empty';
    },
  },
  'errors-in-band-sse': {
    error(reply, ctx) {
      if (ctx.stream) reply.inBand = true;
    },
  },
  'unknown-model-503': {
    error(reply) {
      if (reply.error.code === 'model_not_found') reply.status = 503;
    },
  },
  // Non-streamed only: streamed requests for it are still refused (errors.in_band's business).
  'unknown-model-served': { serveUnknownModels: true },
  'errors-blanket-500': {
    error(reply) {
      if (reply.status >= 400 && reply.status < 500) reply.status = 500;
    },
  },
  'error-status': {
    error(reply, ctx) {
      const { condition, status } = (ctx.params ?? {}) as { condition?: string; status?: number };
      if (status !== undefined && (reply.error.code === condition || reply.error.type === condition))
        reply.status = status;
    },
  },
  'error-envelope-nonstandard': {
    error(reply) {
      reply.envelope = 'object';
    },
  },
  'error-envelope-array': {
    error(reply) {
      reply.envelope = 'array';
    },
  },
  'error-bare-string': {
    error(reply) {
      reply.envelope = 'text';
    },
  },
  'error-code-nil': {
    error(reply) {
      reply.error.code = '<nil>';
    },
  },
  'error-code-numeric': {
    error(reply) {
      reply.error.code = reply.status;
    },
  },
  'error-message-request-id': {
    error(reply) {
      reply.error.message = `${reply.error.message} (request id: 20250101123456789012345)`;
    },
  },
  'retry-after-dropped': {
    error(reply) {
      for (const name of Object.keys(reply.headers))
        if (name.toLowerCase() === 'retry-after') delete reply.headers[name];
    },
  },
};
