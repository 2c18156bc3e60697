// The gateways of docs/GATEWAYS.md, pinned: what is installed (package@version, npm
// overrides, extra local packages) and which launcher starts it. Data only; the install
// facts in the comments were measured (issue 15) and are why each override exists.

export type LauncherId = 'portkey' | 'musistudio' | 'nullplatform' | 'llm-router' | 'llm-debugger';

export interface GatewaySpec {
  /** Short name: the cache folder (.cache/gateways/<name>/) and docs/gateways/<name>.*. */
  name: string;
  package: string;
  version: string;
  /** npm `overrides` of the generated package.json. */
  overrides?: Record<string, string>;
  /** Local stand-ins (folder name -> package.json name), installed as `file:` dependencies. */
  stubs?: Record<string, string>;
  launcher: LauncherId;
  /** The control: a plain proxy that must change nothing (a deviation means our harness is wrong). */
  control?: boolean;
  /** Why the install or the launch is not the obvious one. */
  notes: string[];
}

export const GATEWAYS: readonly GatewaySpec[] = [
  {
    name: 'portkey',
    package: '@portkey-ai/gateway',
    version: '1.15.2',
    // Newer @hono/node-server versions fail every streaming request through this gateway.
    overrides: { '@hono/node-server': '1.13.8' },
    launcher: 'portkey',
    notes: [
      'override @hono/node-server 1.13.8 (newer versions fail every streaming request)',
      'binds all interfaces: forced onto 127.0.0.1 by the listen() preload',
      'routed with x-portkey-provider: openai and x-portkey-custom-host: <mock base URL>',
    ],
  },
  {
    name: 'musistudio',
    package: '@musistudio/llms',
    version: '1.0.53',
    launcher: 'musistudio',
    notes: ['no CLI: its Server class is started from a CommonJS launcher', 'models addressed as "mock,<model>"'],
  },
  {
    name: 'nullplatform',
    package: '@nullplatform/llm-gateway',
    version: '2.0.11',
    overrides: { '@nullplatform/llm-gateway-sdk': '2.0.2' },
    launcher: 'nullplatform',
    notes: [
      'override @nullplatform/llm-gateway-sdk 2.0.2',
      'ignores its configured host: forced onto 127.0.0.1 by the listen() preload',
    ],
  },
  {
    name: 'llm-router',
    package: '@khanglvm/llm-router',
    version: '2.6.2',
    // Its CLI dependency @levu/snap is not on the registry; the server does not need it.
    stubs: { 'stub-snap': '@levu/snap' },
    launcher: 'llm-router',
    notes: [
      '@levu/snap (a CLI dependency) is not on the registry: an empty local stub stands in',
      'started through startLocalRouteServer (src/node/local-server.js), not its CLI',
      'models addressed as "mock/<model>"',
      // Measured here: which features it hits varies from run to run (parallel_tool_calls once,
      // logprobs and response_format.* another time), so its column can change on a rerun.
      'intermittently answers 200 with an empty body (Content-Length: 0) to a request the mock answered 200',
    ],
  },
  {
    name: 'llm-debugger',
    package: 'llm-debugger',
    version: '1.0.17',
    launcher: 'llm-debugger',
    control: true,
    notes: ['the control: a logging proxy (startProxy, cache off) that must change nothing'],
  },
];

/** The upstream mock's pacing in one pass of the report (createMockProvider's `pacing`). */
export interface PacingSpec {
  id: 'unpaced' | 'paced';
  title: string;
  /** What the pacing stands for, for the report. */
  describe: string;
  pacing: { latencyMs?: number; firstTokenMs?: number; tokensPerSecond?: number };
}

/**
 * Both passes. Unpaced, a stream arrives in one or two reads; paced like a real model (a first
 * token after a few hundred ms, then tens of tokens a second), each event arrives in a read of
 * its own, the way gateways meet real upstreams: @nullplatform/llm-gateway's partial-delta
 * replay shows only then (issue 27).
 */
export const PACINGS: readonly PacingSpec[] = [
  {
    id: 'unpaced',
    title: 'unpaced',
    describe: 'the whole answer at once, as fast as the mock computes it',
    pacing: {},
  },
  {
    id: 'paced',
    title: 'paced',
    // A fast hosted model's pace. At 50 tokens a second nullplatform's corruption (its async
    // 'data' handler re-entered by the next read) showed only on a loaded machine; at 500 it
    // showed in 3 of 3 runs on a quiet one, and at 200 in 1 of 2.
    describe: 'like a fast real model: first token after 300 ms, then 500 tokens a second',
    pacing: { firstTokenMs: 300, tokensPerSecond: 500 },
  },
];

/** Verdicts the closing note quotes in every pass: what the report exists to catch. */
export const WATCHED: readonly { gateway: string; feature: string; why: string }[] = [
  {
    gateway: 'nullplatform',
    feature: 'stream.integrity',
    why: 'its partial-delta corruption ("alph", "alpha", " beta"), which only a paced upstream shows',
  },
];
