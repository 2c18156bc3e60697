import { createMockProvider } from '../mock-server/index.js';
import { runTarget } from '../suites/run.js';
import { target, KEY } from '../test/suites/helpers.js';
const brk = process.argv[2];
const opts: Record<string, unknown> = { apiKeys: [KEY], journalSize: 0 };
if (process.argv[3]) { opts.style = 'realistic'; opts.seed = Number(process.argv[3]); }
const mock = createMockProvider(opts as never);
const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
const run = await runTarget(target(baseUrl, brk ? { headers: { 'x-mock-break': brk } } : {}), { only: process.env.ALL ? undefined : process.env.NONE ? ['chat.basic'] : ['messages.basic','messages.stream','messages.tools','messages.tool_result','messages.tool_choice','messages.stop_sequences','messages.max_tokens','messages.thinking','messages.cache','messages.count_tokens','messages.usage','messages.errors','messages.auth','messages.system_in_messages'] } as never);
for (const r of run.report.results) if (process.env.ALL ? r.feature.startsWith('messages') || r.verdict !== 'supported' : true) console.log(r.feature.padEnd(30), r.verdict.padEnd(12), r.summary.slice(0, 230));
console.log(JSON.stringify(run.report.usage));
if (process.env.REPRO) console.log(run.report.results.find(r => r.feature === process.env.REPRO)?.reproduce);
await mock.stop();
