// The mock accepts every request OpenAI's published schema accepts (issue #23): requests
// drawn from CreateChatCompletionRequest (spec/sources/openai-chat-request.json), brought
// inside the refusals OpenAI makes at runtime (normalise.ts, one rule each, and the mock's
// one listed gap), must get 200.
// A second property adds an unknown field to a nested object wherever OpenAI's schema leaves
// that object open (`name` on a tool message among them), which the generator never does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../mock-server/core/json-instance.js';
import { checkSchema } from '../../../mock-server/core/schema-check.js';
import { AUTH, mock, post } from '../helpers.js';
import { normalise, RUNTIME_RULES } from './normalise.js';
import { instancesOf } from './openai-arbitrary.js';
import { loadOpenAiRequestSchema } from './openai-schema.js';

const openai = loadOpenAiRequestSchema();
const MODEL = 'mock-model';
// reasoning and vision on: reasoning_effort and image parts are model-dependent refusals.
const provider = mock({ models: [{ id: MODEL, reasoning: true, vision: true }] });

const requests = instancesOf(openai.schema).map((r) => normalise(r, MODEL) as Record<string, Json>);

/** Every object below the root, with its path (the root is closed at runtime: "Unrecognized request argument"). */
function nestedObjects(value: Json, path = ''): { path: string; obj: Record<string, Json> }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nestedObjects(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const own = path === '' ? [] : [{ path, obj: value }];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => nestedObjects(v, path ? `${path}.${k}` : k))];
}

async function expectAccepted(body: Record<string, Json>, what: string): Promise<void> {
  const res = await post(provider.app, body, AUTH);
  expect(res.status, `${what}: ${res.text}\n${JSON.stringify(body).slice(0, 2000)}`).toBe(200);
}

describe("the mock accepts what OpenAI's published request schema accepts", () => {
  it(`the vendored schema says where it comes from (${openai.source}, ${openai.date})`, () => {
    expect(openai.source).toMatch(/^https:\/\/github\.com\/openai\/openai-openapi\/blob\/[0-9a-f]{40}\/openapi\.json$/);
    expect(RUNTIME_RULES.length).toBeGreaterThan(0);
  });

  it('a generated request, once inside OpenAI runtime rules, is answered 200', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (body) => {
        expect(checkSchema(openai.schema, body), 'normalise keeps the request valid for OpenAI').toBeNull();
        await expectAccepted(body, 'a request OpenAI accepts');
      }),
      { numRuns: 150 },
    );
  });

  it('an unknown field on any nested object OpenAI leaves open is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        requests,
        fc.nat(),
        fc.constantFrom('name', 'x_extra', 'cache_control', 'id'),
        async (body, pick, key) => {
          const targets = nestedObjects(body).filter((t) => !Object.hasOwn(t.obj, key));
          fc.pre(targets.length > 0);
          const target = targets[pick % targets.length]!;
          target.obj[key] = 'extra';
          fc.pre(checkSchema(openai.schema, body) === null); // still valid for OpenAI
          await expectAccepted(body, `${target.path}.${key}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
