// Installs one pinned gateway into .cache/gateways/<name>/ with a generated package.json
// (its overrides and local stubs), from the npm registry. A folder already holding the
// exact pinned version is reused: `npm run gateways` is fast when the cache exists.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewaySpec } from './table.js';

export interface InstallFacts {
  dir: string;
  /** False when the cache already held this exact install. */
  installed: boolean;
  seconds: number;
  /** Resolved versions of the gateway and of every overridden package. */
  versions: Record<string, string>;
  /** Packages in node_modules (a rough size). */
  packages: number;
}

export function manifestFor(spec: GatewaySpec): Record<string, unknown> {
  const dependencies: Record<string, string> = { [spec.package]: spec.version };
  const overrides: Record<string, string> = { ...(spec.overrides ?? {}) };
  for (const [folder, name] of Object.entries(spec.stubs ?? {})) {
    dependencies[name] = `file:./${folder}`;
    // The gateway's own dependency on the stubbed package resolves to the stub too.
    overrides[name] = `$${name}`;
  }
  return {
    name: `relaycheck-gw-${spec.name}`,
    private: true,
    dependencies,
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
}

function installedVersion(dir: string, pkg: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return json.version;
  } catch {
    return undefined;
  }
}

function countPackages(dir: string): number {
  try {
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, unknown>;
    };
    return Object.keys(lock.packages ?? {}).filter((k) => k.startsWith('node_modules/')).length;
  } catch {
    return 0;
  }
}

function npmInstall(dir: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // --ignore-scripts: nothing from the registry runs at install time.
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm install in ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

export async function installGateway(spec: GatewaySpec, cacheRoot: string, timeoutMs = 180_000): Promise<InstallFacts> {
  const dir = join(cacheRoot, spec.name);
  const manifest = `${JSON.stringify(manifestFor(spec), null, 2)}\n`;
  const pinned = (): Record<string, string> => {
    const versions: Record<string, string> = {};
    for (const pkg of [spec.package, ...Object.keys(spec.overrides ?? {})]) {
      const v = installedVersion(dir, pkg);
      if (v) versions[pkg] = v;
    }
    return versions;
  };
  const started = performance.now();
  const cached =
    existsSync(join(dir, 'package.json')) &&
    readFileSync(join(dir, 'package.json'), 'utf8') === manifest &&
    installedVersion(dir, spec.package) === spec.version;
  if (!cached) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [folder, name] of Object.entries(spec.stubs ?? {})) {
      mkdirSync(join(dir, folder), { recursive: true });
      writeFileSync(
        join(dir, folder, 'package.json'),
        JSON.stringify({ name, version: '0.0.0-stub', main: 'index.js' }),
      );
      writeFileSync(join(dir, folder, 'index.js'), '// A stand-in: the server never calls it.\nmodule.exports = {};\n');
    }
    writeFileSync(join(dir, 'package.json'), manifest);
    await npmInstall(dir, timeoutMs);
  }
  const versions = pinned();
  if (versions[spec.package] !== spec.version)
    throw new Error(
      `${spec.name}: installed ${spec.package}@${versions[spec.package] ?? 'nothing'}, pinned ${spec.version}`,
    );
  for (const [pkg, want] of Object.entries(spec.overrides ?? {}))
    if (versions[pkg] !== want)
      throw new Error(`${spec.name}: override ${pkg}@${want} not applied (got ${versions[pkg]})`);
  return {
    dir,
    installed: !cached,
    seconds: (performance.now() - started) / 1000,
    versions,
    packages: countPackages(dir),
  };
}
