// Writing the report files into a folder the relay's answers never chose but a careless or
// hostile checkout might have prepared: a symlink planted at report.html must not make
// relaycheck overwrite its target, and a file where the folder should be is found before the
// first paid request, not after the run.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, lstatSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Make `dir` ready to receive the report (created if missing). Throws with a clear message
 * when it cannot be: an existing file (not a folder) at that path, or a folder we cannot write.
 */
export function prepareOutDir(dir: string): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = undefined;
  }
  if (isDir === false) throw new Error(`${dir} exists and is not a folder`);
  if (isDir === undefined) mkdirSync(dir, { recursive: true });
  accessSync(dir, constants.W_OK);
}

/**
 * Write `data` to `path` without ever following a symlink there: the bytes go to a fresh
 * file created exclusively (O_EXCL never follows links) and are renamed over `path`, which
 * replaces a symlink rather than writing through it. A folder at `path` is an error.
 */
export function writeFileNoFollow(path: string, data: string): void {
  try {
    if (lstatSync(path).isDirectory()) throw new Error(`${path} is a folder`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, data, { flag: 'wx', mode: 0o644 });
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
