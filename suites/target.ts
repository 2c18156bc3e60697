// Targets: what the suite runs against. A target comes from command-line flags or from one
// entry of a relaycheck.yaml config; its key is always read from an environment variable,
// never from the command line or the config file.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { featureIds } from '../spec/features.js';
import { DEFAULT_KEY_ENV_VAR } from './transport/curl.js';
import { isSensitiveHeader, secretsFromHeaders } from './transport/redact.js';

export type AuthScheme = 'bearer' | 'api-key';

export interface TargetModels {
  /** The chat model every general probe uses. */
  model: string;
  /** For reasoning.* probes; skipped without it. */
  reasoning?: string;
  /** For vision.image_url; skipped without it. */
  vision?: string;
  /** For the messages.* probes (Anthropic's Messages); default: the chat model. */
  messages?: string;
}

/** A target as configured: no secret in it. */
export interface TargetConfig {
  name: string;
  baseUrl: string;
  /** The environment variable holding the key. */
  keyEnv: string;
  models: TargetModels;
  /** Extra headers; `${VAR}` in a value is read from the environment. */
  headers: Record<string, string>;
  /**
   * Environment variables (used in `headers`) whose values are secrets: masked in every
   * output, and written as `$VAR` in curl reproducers. See isSecretEnvName for the names
   * that count as secret without being listed.
   */
  secretEnv?: string[];
  auth: AuthScheme;
  /** Feature ids this target must support (copied to the report for the CI gate). */
  require?: string[];
}

/** A target ready to run: the key and header values resolved from the environment. */
export interface Target extends TargetConfig {
  apiKey: string;
  /** The secrets (the key, values of secret environment variables): masked everywhere. */
  secrets: string[];
  /**
   * Headers whose value holds a secret, by name: the configured template (`Bearer ${VAR}`),
   * so a reproducer can read the secret from the environment instead of printing it.
   */
  secretHeaders?: Record<string, string>;
}

export interface RunConfig {
  targets: TargetConfig[];
  concurrency?: number;
  /** The run's deadline per target, in seconds (--deadline). */
  deadline?: number;
}

/** --deadline's default and bounds, in seconds per target: about 40 features take well under a minute. */
export const DEADLINE = { defaultS: 300, maxS: 86_400 } as const;

/** A configuration problem: the message says what to fix. The CLI exits 2 on it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['targets'],
  properties: {
    concurrency: { type: 'integer', minimum: 1, maximum: 32 },
    deadline: { type: 'integer', minimum: 1, maximum: DEADLINE.maxS },
    targets: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'baseUrl', 'models'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          baseUrl: { type: 'string', pattern: '^https?://' },
          keyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
          models: {
            type: 'object',
            additionalProperties: false,
            required: ['model'],
            properties: {
              model: { type: 'string', minLength: 1 },
              reasoning: { type: 'string', minLength: 1 },
              vision: { type: 'string', minLength: 1 },
              messages: { type: 'string', minLength: 1 },
            },
          },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          secretEnv: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
          },
          auth: { enum: ['bearer', 'api-key'] },
          require: { type: 'array', uniqueItems: true, items: { type: 'string' } },
        },
      },
    },
  },
} as const;

const validateConfig = new Ajv2020({ strict: true, allErrors: true }).compile(CONFIG_SCHEMA);

/** Parse and validate the text of a relaycheck.yaml (`file` names it in errors). */
export function parseConfig(text: string, file = 'relaycheck.yaml'): RunConfig {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (!validateConfig(value)) {
    const problems = (validateConfig.errors ?? []).map((e) => {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` ('${String((e.params as { additionalProperty?: unknown }).additionalProperty)}')`
          : '';
      return `  ${e.instancePath === '' ? '/' : e.instancePath}: ${e.message ?? e.keyword}${extra}`;
    });
    throw new ConfigError(`${file} is invalid:\n${problems.join('\n')}`);
  }
  const raw = value as {
    concurrency?: number;
    deadline?: number;
    targets: Array<Omit<TargetConfig, 'keyEnv' | 'headers' | 'auth'> & Partial<TargetConfig>>;
  };
  const targets = raw.targets.map((t) => {
    checkBaseUrl(t.baseUrl, `${file}: target '${t.name}'`);
    return {
      name: t.name,
      baseUrl: t.baseUrl,
      keyEnv: t.keyEnv ?? DEFAULT_KEY_ENV_VAR,
      models: { ...t.models },
      headers: { ...(t.headers ?? {}) },
      ...(t.secretEnv !== undefined ? { secretEnv: [...t.secretEnv] } : {}),
      auth: t.auth ?? 'bearer',
      ...(t.require !== undefined ? { require: [...t.require] } : {}),
    } satisfies TargetConfig;
  });
  const known = featureIds();
  for (const t of targets) {
    const used = new Set(Object.values(t.headers).flatMap((v) => [...v.matchAll(ENV_REF)].map((m) => m[1]!)));
    const unused = (t.secretEnv ?? []).filter((v) => !used.has(v));
    if (unused.length > 0)
      throw new ConfigError(
        `${file}: target '${t.name}' marks ${unused.join(', ')} secret (secretEnv) but no header uses \${...} of it`,
      );
    const unknown = (t.require ?? []).filter((id) => !known.includes(id));
    if (unknown.length > 0)
      throw new ConfigError(
        `${file}: target '${t.name}' requires unknown feature(s) ${unknown.join(', ')} (known: ${known.join(', ')})`,
      );
  }
  const names = targets.map((t) => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ConfigError(`${file}: target name '${dup}' is used twice`);
  return {
    targets,
    ...(raw.concurrency !== undefined ? { concurrency: raw.concurrency } : {}),
    ...(raw.deadline !== undefined ? { deadline: raw.deadline } : {}),
  };
}

export function loadConfigFile(path: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseConfig(text, path);
}

export function checkBaseUrl(url: string, where = '--base-url'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Shown without what may hold a key: a query, a fragment, a user:password@.
    const shown = url.split(/[?#]/)[0]!.replace(/^([^/]*\/\/)?[^/@]*@/, '$1');
    throw new ConfigError(`${where}: '${shown.slice(0, 200)}' is not a URL (expected e.g. https://relay.example/v1)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError(
      `${where}: the URL's scheme is '${inertName(parsed.protocol.slice(0, -1))}:', not http: or https:`,
    );
  if (parsed.username || parsed.password)
    throw new ConfigError(`${where}: put the key in an environment variable, not in the URL`);
  // `?key=...` or `#...`: a key there would land in every report, and requests would go to
  // `.../v1?key=X/models`. A base URL has neither; the URL is not echoed (it holds the secret).
  if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(url)) {
    const names = [...parsed.searchParams.keys()].map(inertName);
    const what =
      names.length > 0 ? `query parameter ${names.join(', ')}` : parsed.hash !== '' ? 'a fragment' : 'a query';
    throw new ConfigError(
      `${where}: the base URL has ${what} (value not shown): put the key in an environment variable (--api-key-env, or keyEnv in a config), not in the URL, and give the base URL without '?' or '#'`,
    );
  }
}

/** A query parameter's name, safe to show: short, plain characters only (its value is never shown). */
function inertName(name: string): string {
  return /^[\w.-]{1,40}$/.test(name) ? name : '…';
}

/** `Name: value` from --header. */
export function parseHeaderFlag(flag: string): [string, string] {
  const colon = flag.indexOf(':');
  const name = colon === -1 ? '' : flag.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ConfigError(`--header '${flag}': expected 'Name: value'`);
  return [name, flag.slice(colon + 1).trim()];
}

/** A short default name for a target: the host (and port) of its base URL. */
export function defaultTargetName(baseUrl: string): string {
  try {
    return new URL(baseUrl).host || 'target';
  } catch {
    return 'target';
  }
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Words of a variable's name that make it secret (whole `_`-separated words, any case). */
export const SECRET_ENV_WORDS: readonly string[] = [
  'KEY',
  'APIKEY',
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'AUTH',
  'CRED',
  'CREDS',
  'CREDENTIAL',
  'CREDENTIALS',
];

/**
 * A variable is secret when the config lists it in `secretEnv`, when it is the key's own
 * variable, or when its name says so: a whole `_`-separated word of SECRET_ENV_WORDS
 * (KEY, TOKEN, SECRET, PASSWORD, AUTH, CRED...). `PORTKEY_API_KEY` is secret, `PORTKEY_PROVIDER` is not: a safety
 * net for `--header`, which has no way to mark a variable, that never matches inside a word.
 */
export function isSecretEnvName(name: string, config: Pick<TargetConfig, 'keyEnv' | 'secretEnv'>): boolean {
  if (name === config.keyEnv || (config.secretEnv ?? []).includes(name)) return true;
  return name
    .toUpperCase()
    .split('_')
    .some((word) => SECRET_ENV_WORDS.includes(word));
}

/** Resolve the key and `${VAR}` header values from `env`; throws ConfigError naming what is missing. */
export function resolveTarget(config: TargetConfig, env: Record<string, string | undefined>): Target {
  const apiKey = env[config.keyEnv];
  if (apiKey === undefined || apiKey.trim() === '') {
    throw new ConfigError(
      `target '${config.name}': the environment variable ${config.keyEnv} is not set (the key is read from it, never from the command line)`,
    );
  }
  const secrets = [apiKey.trim()];
  const headers: Record<string, string> = {};
  const secretHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) {
    if (/^(authorization|api-key)$/i.test(name)) {
      throw new ConfigError(
        `target '${config.name}': the key is sent by relaycheck (keyEnv / --api-key-env and auth / --auth), not in an extra header (${name})`,
      );
    }
    // A header always masked by name (x-api-key...) makes every variable it uses a secret.
    const secretByName = isSensitiveHeader(name);
    let holdsSecret = false;
    let template = '';
    let resolved = '';
    let at = 0;
    for (const m of value.matchAll(ENV_REF)) {
      const v = m[1]!;
      const found = env[v];
      if (found === undefined)
        throw new ConfigError(`target '${config.name}': header ${name} uses \${${v}}, which is not set`);
      const literal = value.slice(at, m.index);
      at = m.index + m[0].length;
      resolved += literal + found;
      if (secretByName || isSecretEnvName(v, config)) {
        secrets.push(found);
        holdsSecret = true;
        template += `${literal}\${${v}}`;
      } else template += literal + found; // not a secret: the reproducer writes it out
    }
    headers[name] = resolved + value.slice(at);
    // A header secret by its name (x-relay-auth) is a secret even when written out in the config.
    if (secretByName && !holdsSecret) secrets.push(...secretsFromHeaders({ [name]: headers[name] }));
    if (holdsSecret) secretHeaders[name] = template + value.slice(at);
  }
  return {
    ...config,
    headers,
    apiKey: apiKey.trim(),
    secrets: secrets.filter((s) => s.length > 0),
    ...(Object.keys(secretHeaders).length > 0 ? { secretHeaders } : {}),
  };
}
