// Preloaded into every gateway (NODE_OPTIONS=--require): whatever host a server asks
// listen() for, it gets 127.0.0.1. Some gateways bind all interfaces or ignore their host
// setting; this keeps them on loopback. Unix socket paths and handles are left alone.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: loaded with --require before any ESM
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const original = net.Server.prototype.listen;

function rewrite(args) {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined || first._handle !== undefined || first.fd !== undefined) return args;
    if ('port' in first || 'host' in first) return [{ ...first, host: LOOPBACK }, ...args.slice(1)];
    return args;
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return args; // a pipe or socket path
  if (first === undefined || typeof first === 'function') return [0, LOOPBACK, ...args];
  // listen(port[, host][, backlog][, callback])
  const second = args[1];
  if (typeof second === 'string' || second === undefined || second === null) return [first, LOOPBACK, ...args.slice(2)];
  return [first, LOOPBACK, ...args.slice(1)];
}

net.Server.prototype.listen = function listen(...args) {
  const next = rewrite(args);
  if (process.env.RELAYCHECK_PRELOAD_LOG) process.stderr.write(`[loopback-preload] listen host -> ${LOOPBACK}\n`);
  return original.apply(this, next);
};

module.exports = { rewrite };
