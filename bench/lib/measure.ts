import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What one child process cost: wall time, peak resident memory, how it ended and what it printed. */
export interface ProcessMeasurement {
  readonly wallMs: number;
  /**
   * Peak RSS in MiB of the largest single process: GNU time's figure for the child (which misses
   * descendants killed without being reaped, as Dataform's compile worker is), or the sampled
   * VmHWM of any process of the tree, whichever is larger.
   */
  readonly peakRssMb: number;
  /** Peak of the summed RSS of the whole process tree, sampled every 25 ms, in MiB. */
  readonly peakTreeRssMb: number;
  /**
   * User plus system CPU time of the child and the descendants it reaped, from GNU time (NaN
   * without it). Less sensitive than wall time to other load on a shared machine.
   */
  readonly cpuMs: number;
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
  ? 'GNU time (`/usr/bin/time -f "%M %U %S"`) for the child, and VmHWM/VmRSS of its whole process tree sampled from /proc every 25 ms'
  : 'VmHWM/VmRSS of the whole process tree sampled from /proc every 25 ms (GNU time not installed)';

/**
 * Runs `command args` once and measures it. Wall time is taken around the spawn in this process
 * (GNU time's own start-up adds about a millisecond); peak RSS comes from GNU time when installed
 * and from sampling /proc for the whole process tree.
 */
export async function measureProcess(command: string, args: readonly string[], options: MeasureOptions): Promise<ProcessMeasurement> {
  const useTime = existsSync(GNU_TIME);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strata-bench-'));
  const timeFile = path.join(tmp, 'time.txt');
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, [...args]];
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
    let treeKb = 0;
    const sample = (): void => {
      let sum = 0;
      for (const pid of processTree(child.pid)) {
        const status = procStatusKb(pid);
        if (!status) continue;
        sum += status.rss;
        polledKb = Math.max(polledKb, status.hwm);
      }
      treeKb = Math.max(treeKb, sum);
    };
    const poll = setInterval(sample, 25);
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
    clearInterval(poll);
    if (timer) clearTimeout(timer);
    const time = useTime ? parseTimeFile(timeFile) : { kb: 0, cpuMs: Number.NaN };
    const kb = Math.max(time.kb, polledKb);
    return { wallMs, peakRssMb: kb / 1024, peakTreeRssMb: treeKb / 1024, cpuMs: time.cpuMs, exitCode, timedOut, stdout, stderr };
  } finally {
    if (outFd !== undefined) closeSync(outFd);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function parseTimeFile(file: string): { kb: number; cpuMs: number } {
  if (!existsSync(file)) return { kb: 0, cpuMs: Number.NaN };
  // The last line holds "%M %U %S"; a failed child adds a "Command exited with…" line before it.
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
  return { kb: kb ?? 0, cpuMs: ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000 };
}

/** `pid` and all its descendants, from /proc/PID/task/TID/children (empty when gone). */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const current = queue.shift()!;
    out.push(current);
    try {
      for (const tid of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8').trim();
        if (children) queue.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended between two reads
    }
  }
  return out;
}

function procStatusKb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(text);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(text);
    return rss && hwm ? { rss: Number(rss[1]), hwm: Number(hwm[1]) } : undefined;
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
