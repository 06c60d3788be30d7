// Runs the built CLI (`dist/cli/main.js`, from `npm run build`) as a separate process, the way a user does.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { launcherEnv, launcherNodeArgs } from '../../src/cli/launcher-env.js';

export const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Fails early with a clear message when the CLI has not been built. */
export function assertCliBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build before these tests`);
}

/**
 * The environment of a spawned CLI: ours without TESSERA_* settings, so only the flags count, and with the
 * settings the `tessera` launcher's shebang adds, so tests run the process users run.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...launcherEnv };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TESSERA_')) env[k] = v;
  return { ...env, ...extra };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Asserts a user error as product.md has it: exit 1, nothing on stdout, one line on stderr matching `what`. */
export function expectUserError(result: CliResult, what: RegExp): void {
  expect(result.exitCode, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
}

export interface CliOptions {
  /** Appended as `--data DIR`. */
  dataDir?: string;
  /** Working directory (default: the OS temp dir, which holds no tessera.config.yaml). */
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `node dist/cli/main.js ...args [--data DIR]` to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  assertCliBuilt();
  const argv = [...launcherNodeArgs, cliPath, ...args, ...(options.dataDir ? ['--data', options.dataDir] : [])];
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: options.cwd ?? tmpdir(), env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tessera ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode, signal });
    });
  });
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: no shutdown, no flush. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the clean shutdown (SIGKILL if it hangs). */
  stop(): Promise<void>;
}

/**
 * Starts `tessera serve --port 0 --data DIR` (or another serving command) and resolves once it prints
 * `Tessera is listening on URL` on stderr.
 */
export function startServe(
  dataDir: string,
  options: { timeoutMs?: number; env?: Record<string, string>; /** The command and its flags (default `serve`). */ command?: readonly string[] } = {},
): Promise<ServeProcess> {
  assertCliBuilt();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, [...launcherNodeArgs, cliPath, ...(options.command ?? ['serve']), '--port', '0', '--data', dataDir], {
    cwd: tmpdir(),
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  child.stdout?.resume();
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tessera serve did not start within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      const before = stderr;
      stderr += s;
      // The whole line must have arrived, not a URL cut between two chunks.
      const listening = /Tessera is listening on (\S+) \(data/;
      const match = listening.exec(stderr);
      if (match?.[1] && !listening.test(before)) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stderr: () => stderr,
          exited,
          crash: () => kill('SIGKILL'),
          async stop() {
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            await kill('SIGTERM');
            clearTimeout(force);
          },
        });
      }
    });
    void exited.then(({ exitCode, signal }) => {
      clearTimeout(timer);
      reject(new Error(`tessera serve exited (${exitCode ?? signal}) before listening; stderr: ${stderr}`));
    });
  });
}
