// A request the schema refuses is answered in OpenAI's words (issue #23): "Unrecognized
// request argument supplied: x", "Missing required parameter: 'x'.", "Invalid type for 'x'",
// "Invalid 'x': ... Expected ...", "Invalid value: 'v'. Supported values are: ...", never in
// the validator's ("boolean schema is false", "must be equal to one of the allowed values").
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fromSchemaErrors } from '../../../mock-server/core/api-error.js';
import { AUTH, body, mock, post } from '../helpers.js';

const provider = mock();
const JARGON = /must (be|match|have|NOT)|boolean schema|schema is false|should |allowed values|passingSchemas/;

const CASES: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['an unknown top-level field', { task_id: 'x' }, 'task_id', /^Unrecognized request argument supplied: task_id$/],
  ['no messages', { messages: undefined }, 'messages', /^Missing required parameter: 'messages'\.$/],
  [
    'temperature 5',
    { temperature: 5 },
    'temperature',
    /^Invalid 'temperature': integer above maximum value\. Expected a value <= 2, but got 5 instead\.$/,
  ],
  [
    'temperature a string',
    { temperature: 'hot' },
    'temperature',
    /^Invalid type for 'temperature': expected one of a decimal or null, but got a string instead\.$/,
  ],
  [
    'a bad role',
    { messages: [{ role: 'bot', content: 'x' }] },
    'messages[0].role',
    /^Invalid value: 'bot'\. Supported values are: 'system', 'user', 'assistant', 'tool', 'developer', and 'function'\.$/,
  ],
  [
    'max_tokens 0',
    { max_tokens: 0 },
    'max_tokens',
    /^Invalid 'max_tokens': integer below minimum value\. Expected a value >= 1, but got 0 instead\.$/,
  ],
  [
    '5 stop strings',
    { stop: ['a', 'b', 'c', 'd', 'e'] },
    'stop',
    /^Invalid 'stop': array too long\. Expected an array with maximum length 4, but got an array with length 5 instead\.$/,
  ],
  [
    'empty messages',
    { messages: [] },
    'messages',
    /^Invalid 'messages': empty array\. Expected an array with minimum length 1, but got an array with length 0 instead\.$/,
  ],
  [
    'a tool name with spaces',
    { tools: [{ type: 'function', function: { name: 'get weather' } }] },
    'tools[0].function.name',
    /^Invalid 'tools\[0\]\.function\.name': string does not match pattern\. Expected a string that matches the pattern/,
  ],
  [
    'a tool message without tool_call_id',
    { messages: [{ role: 'tool', content: 'x' }] },
    'messages[0].tool_call_id',
    /^Missing required parameter: 'messages\[0\]\.tool_call_id'\.$/,
  ],
  [
    'a custom tool (not supported by the mock yet)',
    { tools: [{ type: 'custom', custom: { name: 'x' } }] },
    'tools[0].type',
    /^Invalid value: 'custom'\. Supported values are: 'function'\.$/,
  ],
];

describe("schema refusals in OpenAI's words", () => {
  it.each(CASES)('%s', async (_, extra, param, message) => {
    const res = await post(provider.app, body('hi', extra), AUTH);
    expect(res.status, res.text).toBe(400);
    const error = (res.body as { error: { message: string; param: string | null; type: string } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(JARGON);
  });

  it('a property a schema forbids outright (`false`) is an unrecognized argument, not "boolean schema is false"', () => {
    const err: ErrorObject = {
      keyword: 'false schema',
      instancePath: '/messages/2/name',
      schemaPath: '#/allOf/3/then/properties/name/false schema',
      params: {},
      message: 'boolean schema is false',
    };
    const e = fromSchemaErrors([err], {});
    expect(e.message).toBe('Unrecognized request argument supplied: messages[2].name');
    expect(e.param).toBe('messages[2].name');
  });
});
