import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, type CliResult } from './run-cli.js';
import { UTC_SESSIONS } from './utc-sessions.js';

/** A `strata` child process still running, to watch its output and kill it mid-way. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves once stdout has printed a line matching `pattern` (rejects if the process ends first). */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Resolves when the process has exited. */
  readonly done: Promise<CliResult>;
}

/** Starts `strata ...args` in `cwd` without waiting for it. */
export function startCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...UTC_SESSIONS, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of watchers.splice(0)) (w.pattern.test(stdout) ? w.resolve : () => watchers.push(w))();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr }));
  });
  return {
    child,
    done,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stdout)) return resolve();
        watchers.push({ pattern, resolve });
        void done.then((r) => reject(new Error(`strata exited (${r.code}) before printing ${pattern}:\n${r.stdout}\n${r.stderr}`)));
      }),
  };
}
