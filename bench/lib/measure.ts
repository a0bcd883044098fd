import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What one child process cost: wall time, peak resident memory, how it ended and what it printed. */
export interface ProcessMeasurement {
  readonly wallMs: number;
  /** Peak RSS in MiB (the largest single process of the tree when /usr/bin/time is used). */
  readonly peakRssMb: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Send stdout to this file instead of keeping it in memory (for large outputs). */
  readonly stdoutFile?: string;
  /** Kill the child (SIGKILL) after this long. */
  readonly timeoutMs?: number;
}

const GNU_TIME = '/usr/bin/time';

/** How peak memory is measured on this machine. */
export const PEAK_RSS_METHOD = existsSync(GNU_TIME)
  ? 'GNU time (`/usr/bin/time`, max RSS of the child, or of its largest descendant)'
  : 'VmHWM of the child from /proc/PID/status, polled every 10 ms';

/**
 * Runs `command args` once and measures it. Wall time is taken around the spawn in this process;
 * peak RSS comes from GNU time when installed (its own start-up adds about a millisecond), else
 * from polling /proc/PID/status.
 */
export async function measureProcess(command: string, args: readonly string[], options: MeasureOptions): Promise<ProcessMeasurement> {
  const useTime = existsSync(GNU_TIME);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strata-bench-'));
  const timeFile = path.join(tmp, 'time.txt');
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, [...args]];
  const outFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : undefined;
  try {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let polledKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          const kb = vmHwmKb(child.pid);
          if (kb !== undefined) polledKb = Math.max(polledKb, kb);
        }, 10);
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (poll) clearInterval(poll);
    if (timer) clearTimeout(timer);
    const kb = useTime ? parseTimeKb(timeFile) : polledKb;
    return { wallMs, peakRssMb: kb / 1024, exitCode, timedOut, stdout, stderr };
  } finally {
    if (outFd !== undefined) closeSync(outFd);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function parseTimeKb(file: string): number {
  if (!existsSync(file)) return Number.NaN;
  // The last line holds %M; a killed child adds a "Command terminated by signal" line before it.
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return Number(lines[lines.length - 1]);
}

function vmHwmKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A value at percentile `p` (0–100) of a non-empty list, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Throws with the child's output when it did not exit 0. */
export function assertSucceeded(what: string, m: ProcessMeasurement): void {
  if (m.exitCode === 0 && !m.timedOut) return;
  const why = m.timedOut ? 'timed out' : `exited ${m.exitCode}`;
  throw new Error(`${what} ${why}\n--- stdout ---\n${m.stdout.slice(-4000)}\n--- stderr ---\n${m.stderr.slice(-4000)}`);
}
