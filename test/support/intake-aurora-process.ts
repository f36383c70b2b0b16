import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The built CLI (`bin/aurora.js` → dist/, so run `npm run build` first) as separate processes, with only the
 * environment given plus PATH and HOME, the way cli.test.ts runs it.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/aurora.js');
const run = promisify(execFile);

function childEnvironment(environment: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...environment };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAuroraCli(args: string[], environment: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: root,
      env: childEnvironment(environment),
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

export interface AuroraServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Spawns `aurora start` and resolves once it prints where it listens. */
export async function startAuroraServer(environment: Record<string, string>): Promise<AuroraServerProcess> {
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: root,
    env: childEnvironment(environment),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aurora start did not start within 60 s:\n${output}`)), 60_000);
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`aurora start exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}
