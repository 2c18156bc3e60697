// response_format: text, json_object and json_schema (checked with an independent ajv).
import { describe, expect, it } from 'vitest';
import { assemble, body, chat, expectError, expectValidAgainst, mock, post, stream } from './helpers.js';

const jsonSchema = (schema: object, strict?: boolean) => ({
  type: 'json_schema' as const,
  json_schema: { name: 'answer', schema, ...(strict === undefined ? {} : { strict }) },
});

/** Every object key in `value` is declared in the matching `properties` of `schema`. */
function undeclaredKeys(schema: Record<string, unknown>, value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) {
    const items = schema.items as Record<string, unknown> | undefined;
    return items ? value.flatMap((v, i) => undeclaredKeys(items, v, `${path}[${i}]`)) : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(value).flatMap(([k, v]) =>
    k in props ? undeclaredKeys(props[k]!, v, `${path}.${k}`) : [`${path}.${k}`],
  );
}

const person = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'age', 'email', 'address', 'hobbies', 'status'],
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0, maximum: 130 },
    email: { type: ['string', 'null'] },
    address: {
      type: 'object',
      additionalProperties: false,
      required: ['street', 'city', 'zip'],
      properties: {
        street: { type: 'string' },
        city: { type: 'string' },
        zip: { type: 'string', pattern: '^[0-9]{5}$' },
      },
    },
    hobbies: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
    status: { type: 'string', enum: ['active', 'inactive'] },
  },
};

describe('response_format json_schema', () => {
  const { app } = mock();

  it('the content is an instance valid against the schema, for many seeds', async () => {
    const answers = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const { body: r } = await chat(
        app,
        body('Describe a person.', { response_format: jsonSchema(person, true), seed }),
      );
      const content = r.choices[0]!.message.content!;
      expectValidAgainst(person, JSON.parse(content));
      expect(r.choices[0]!.finish_reason).toBe('stop');
      answers.add(content);
    }
    expect(answers.size).toBeGreaterThan(1);
  });

  it('strict: no keys beyond the declared properties, at any depth', async () => {
    // additionalProperties is not stated here: strict still means "only what is declared".
    const loose = {
      type: 'object',
      required: ['title', 'meta', 'items'],
      properties: {
        title: { type: 'string' },
        meta: { type: 'object', required: ['n'], properties: { n: { type: 'integer' }, note: { type: 'string' } } },
        items: {
          type: 'array',
          minItems: 2,
          items: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
        },
      },
    };
    for (let seed = 0; seed < 8; seed++) {
      const { body: r } = await chat(app, body('Fill it in.', { response_format: jsonSchema(loose, true), seed }));
      const value: unknown = JSON.parse(r.choices[0]!.message.content!);
      expectValidAgainst(loose, value);
      expect(undeclaredKeys(loose, value)).toEqual([]);
    }
  });

  it('a non-object root schema (an array of enums) works too', async () => {
    const schema = { type: 'array', minItems: 2, maxItems: 4, items: { enum: ['red', 'green', 'blue'] } };
    const { body: r } = await chat(app, body('Pick colours.', { response_format: jsonSchema(schema) }));
    expectValidAgainst(schema, JSON.parse(r.choices[0]!.message.content!));
  });

  it('streamed, the content deltas join into the same valid instance', async () => {
    const payload = body('Describe a person.', { response_format: jsonSchema(person, true) });
    const plain = (await chat(app, payload)).body.choices[0]!.message.content!;
    const s = await stream(app, { ...payload, stream: true });
    const c = assemble(s.chunks).choices[0]!;
    expect(c.contentChunks).toBeGreaterThan(1);
    expect(c.content).toBe(plain);
    expectValidAgainst(person, JSON.parse(c.content!));
  });

  it('an unsatisfiable schema is a 400 on response_format; a missing json_schema names it', async () => {
    expectError(
      await post(app, body('x', { response_format: jsonSchema({ type: 'integer', minimum: 5, maximum: 1 }) })),
      400,
      {
        type: 'invalid_request_error',
        param: 'response_format',
      },
    );
    expectError(await post(app, body('x', { response_format: { type: 'json_schema' } })), 400, {
      param: 'response_format.json_schema',
    });
  });
});

describe('response_format json_object', () => {
  const { app } = mock();

  it('answers a JSON object when the prompt mentions json', async () => {
    const { body: r } = await chat(
      app,
      body('Tell me about rivers, in JSON.', { response_format: { type: 'json_object' } }),
    );
    const value: unknown = JSON.parse(r.choices[0]!.message.content!);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    expect(Object.keys(value as object).length).toBeGreaterThan(0);
  });

  it('honours the keys the prompt asks for', async () => {
    const { body: r } = await chat(
      app,
      body('Return a JSON object with the keys "name" and "age".', { response_format: { type: 'json_object' } }),
    );
    const value = JSON.parse(r.choices[0]!.message.content!) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['age', 'name']);
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
  });

  it('an "Output exactly" that is not an object still comes back as an object', async () => {
    const { body: r } = await chat(
      app,
      body('Reply in json. Output exactly: hello', { response_format: { type: 'json_object' } }),
    );
    const value: unknown = JSON.parse(r.choices[0]!.message.content!);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    expect(JSON.stringify(value)).toContain('hello');
  });

  it('the word json may be in the system message', async () => {
    await chat(app, {
      model: 'mock-model',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Tell me about rivers.' },
      ],
    });
  });

  it('no mention of json anywhere is a 400 on messages', async () => {
    expectError(await post(app, body('Tell me about rivers.', { response_format: { type: 'json_object' } })), 400, {
      type: 'invalid_request_error',
      param: 'messages',
    });
  });
});

describe('response_format text', () => {
  const { app } = mock();

  it('is the same answer as no response_format at all', async () => {
    const a = (await chat(app, body('Output exactly: plain words', { response_format: { type: 'text' } }))).body;
    expect(a.choices[0]!.message.content).toBe('plain words');
    const prose = (await chat(app, body('Tell me about rivers.', { response_format: { type: 'text' } }))).body
      .choices[0]!.message.content!;
    expect(() => JSON.parse(prose)).toThrow();
  });

  it('an unknown type is a 400 naming response_format.type', async () => {
    expectError(await post(app, body('x', { response_format: { type: 'yaml' } })), 400, {
      param: 'response_format.type',
    });
  });
});
