// Which configured header values are secrets: the key, header values from an environment
// variable marked secret (secretEnv, or a name that says so), and anything in an auth header.
import { describe, expect, it } from 'vitest';
import { ConfigError, isSecretEnvName, parseConfig, resolveTarget, type TargetConfig } from '../../suites/target.js';

const base: TargetConfig = {
  name: 't',
  baseUrl: 'http://127.0.0.1:1/v1',
  keyEnv: 'K',
  models: { model: 'm' },
  headers: {},
  auth: 'bearer',
};

describe('secret header values', () => {
  it('takes secretEnv from the config and refuses a marked variable no header uses', () => {
    const yaml = (secret: string): string =>
      `targets:\n  - name: a\n    baseUrl: http://x/v1\n    models: { model: m }\n    headers: { x-portkey-config: "\${PK_CFG}" }\n    secretEnv: [${secret}]\n`;
    expect(parseConfig(yaml('PK_CFG')).targets[0]!.secretEnv).toEqual(['PK_CFG']);
    expect(() => parseConfig(yaml('OTHER'))).toThrow(/OTHER secret \(secretEnv\) but no header uses/);
    expect(() => parseConfig(yaml('"bad name"'))).toThrow(ConfigError);
  });

  it('a value from a variable marked secret is a secret with its template; an unmarked one is not', () => {
    const t = resolveTarget(
      {
        ...base,
        headers: {
          'x-portkey-provider': '${PROVIDER}',
          'x-portkey-config': 'cfg-${PK_CFG}',
          'x-team': '${TEAM}/${PK_CFG}',
        },
        secretEnv: ['PK_CFG'],
      },
      { K: 'sk-key-1234', PROVIDER: 'openai', PK_CFG: 'pc-secret-99', TEAM: 'blue' },
    );
    expect(t.headers).toEqual({
      'x-portkey-provider': 'openai',
      'x-portkey-config': 'cfg-pc-secret-99',
      'x-team': 'blue/pc-secret-99',
    });
    expect(t.secrets).toEqual(['sk-key-1234', 'pc-secret-99', 'pc-secret-99']);
    // Non-secret parts are written out, secret ones stay references.
    expect(t.secretHeaders).toEqual({ 'x-portkey-config': 'cfg-${PK_CFG}', 'x-team': 'blue/${PK_CFG}' });
  });

  it('an auth header by name, the key variable, and secret-looking variable names are secret', () => {
    const t = resolveTarget(
      { ...base, headers: { 'x-api-key': '${ANTHROPIC}', 'x-portkey-api-key': '${PORTKEY_API_KEY}', 'x-k': '${K}' } },
      { K: 'sk-key-1234', ANTHROPIC: 'ant-0001', PORTKEY_API_KEY: 'pk-0002' },
    );
    expect(t.secrets).toEqual(['sk-key-1234', 'ant-0001', 'pk-0002', 'sk-key-1234']);
    expect(Object.keys(t.secretHeaders ?? {})).toEqual(['x-api-key', 'x-portkey-api-key', 'x-k']);
    // A whole word only: PORTKEY is not KEY.
    for (const v of ['PORTKEY_PROVIDER', 'MONKEY', 'KEYBOARD_LAYOUT', 'TOKENIZER'])
      expect(isSecretEnvName(v, base), v).toBe(false);
    for (const v of ['OPENAI_API_KEY', 'GH_TOKEN', 'CLIENT_SECRET', 'DB_PASSWORD', 'APIKEY', 'K'])
      expect(isSecretEnvName(v, base), v).toBe(true);
    const plain = resolveTarget({ ...base, headers: { 'X-Title': 'relaycheck' } }, { K: 'sk-key-1234' });
    expect(plain.secrets).toEqual(['sk-key-1234']);
    expect(plain.secretHeaders).toBeUndefined();
  });
});
