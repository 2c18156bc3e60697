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
  'stream-client-error-500': {
    error(reply, ctx) {
      // A streamed request's client error passed on as a server error (@nullplatform/llm-gateway 2.0.11).
      if (ctx.stream && reply.status >= 400 && reply.status < 500) reply.status = 500;
    },
  },
  'error-stack-trace': {
    error(reply) {
      // What a gateway sends when it passes its exception on: the stack, with absolute paths.
      reply.error.message = `Error: ${reply.error.message}\n    at handleChat (/srv/gateway/dist/routes/chat.js:88:17)\n    at Layer.handle (/srv/gateway/node_modules/express/lib/router/layer.js:95:5)`;
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
