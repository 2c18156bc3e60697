// A plain Node consumer: no TypeScript loader. Starts the mock, asks it through the official
// openai SDK, then runs two features of the suite against it.
import OpenAI from 'openai';
import { createMockProvider } from 'relaycheck/mock';
import { runSuite } from 'relaycheck';
import { renderMarkdown } from 'relaycheck/report';

const mock = createMockProvider({ apiKeys: ['sk-consumer'] });
const { baseUrl } = await mock.start();
try {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: 'sk-consumer' });
  const reply = await client.chat.completions.create({
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Reply with exactly: pong' }],
  });
  const run = await runSuite({ baseUrl, apiKey: 'sk-consumer', model: 'mock-model' }, { only: ['chat.basic', 'auth'] });
  const md = renderMarkdown(run.report);
  console.log(
    JSON.stringify({
      content: reply.choices[0].message.content,
      verdicts: Object.fromEntries(run.target.results.map((r) => [r.feature, r.verdict])),
      markdown: md.length > 0,
    }),
  );
} finally {
  await mock.stop();
}
