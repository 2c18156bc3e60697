// Checking a model's JSON (tool arguments, json_schema content) against the schema the probe
// sent. Lenient ajv (the schemas are the probe's own; unknown keywords are not our concern).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const compiled = new Map<string, ValidateFunction>();

/** Problems of `value` against `schema`, as short phrases ("missing property 'age'"); [] when valid. */
export function schemaProblems(schema: unknown, value: unknown): string[] {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    try {
      fn = ajv.compile(schema as object);
    } catch (e) {
      return [`the schema does not compile: ${(e as Error).message}`];
    }
    compiled.set(key, fn);
  }
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => {
    const at = e.instancePath === '' ? '' : ` at ${e.instancePath}`;
    const p = e.params as { missingProperty?: string; additionalProperty?: string };
    if (e.keyword === 'required' && p.missingProperty) return `missing property '${p.missingProperty}'${at}`;
    if (e.keyword === 'additionalProperties' && p.additionalProperty)
      return `unexpected property '${p.additionalProperty}'${at}`;
    return `${e.message ?? e.keyword}${at}`;
  });
}
