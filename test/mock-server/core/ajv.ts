// Test helper: independent validators (Ajv) to judge the generator, with format checks written
// here rather than borrowed from the code under test.
// Named imports: under NodeNext a default import of these CommonJS modules types as the
// module namespace (not constructable), while the named class export is typed correctly.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft7 } from 'ajv';

const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  'date-time':
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  // RFC 3986's absolute URI: a scheme, a colon, then a hier-part that may be empty or slashless
  // (`mailto:a@b.c`, `urn:x`, `A:`); requiring `//` here once disagreed with the mock on `A:`.
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i,
  ipv4: /^(\d{1,3}\.){3}\d{1,3}$/,
  hostname: /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i,
};

function withFormats<T extends { addFormat(name: string, format: RegExp): unknown }>(ajv: T): T {
  for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
  return ajv;
}

export const ajv2020 = withFormats(new Ajv2020({ strict: false, allErrors: false }));
export const ajv7 = withFormats(new AjvDraft7({ strict: false, allErrors: false }));

type Validate = ReturnType<typeof ajv2020.compile>;
// Compiled validators per schema object (tests check several values against one schema).
const compiled = { '2020': new WeakMap<object, Validate>(), '7': new WeakMap<object, Validate>() };

/** Null when valid, else Ajv's errors as text. */
export function ajvErrors(schema: unknown, value: unknown, draft: '2020' | '7' = '2020'): string | null {
  const ajv = draft === '2020' ? ajv2020 : ajv7;
  const cache = compiled[draft];
  let validate = typeof schema === 'object' && schema !== null ? cache.get(schema) : undefined;
  if (validate === undefined) {
    validate = ajv.compile(schema as object | boolean);
    if (typeof schema === 'object' && schema !== null) cache.set(schema, validate);
  }
  return validate(value) ? null : ajv.errorsText(validate.errors);
}
