// Bench child: the real mock (createMockProvider, default options unless given) on 127.0.0.1, port 0.
// Nothing is added to the mock itself: memory probes travel over this child's IPC channel.
// It runs the compiled package (built.ts says why).
import type * as Mock from '../../../mock-server/index.js';
import { importBuilt } from './built.js';
import { send, serveControl } from './child-control.js';

const { createMockProvider } = await importBuilt<typeof Mock>('mock-server/index.js');

// Optional MockOptions as JSON in the first argument (pacing, keys, journal size).
const mock = createMockProvider(process.argv[2] ? (JSON.parse(process.argv[2]) as Mock.MockOptions) : {});
const { port } = await mock.start({ host: '127.0.0.1', port: 0 });
serveControl(() => mock.stop());
send({ type: 'ready', port });
