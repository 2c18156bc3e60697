// Bench child: the real mock (createMockProvider, default options) on 127.0.0.1, port 0.
// Nothing is added to the mock itself: memory probes travel over this child's IPC channel.
import { createMockProvider } from '../../mock-server/index.ts';
import { send, serveControl } from './child-control.ts';

const mock = createMockProvider();
const { port } = await mock.start({ host: '127.0.0.1', port: 0 });
serveControl(() => mock.stop());
send({ type: 'ready', port });
