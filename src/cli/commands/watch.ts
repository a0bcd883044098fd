import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { describeError, StrataError, StrataErrors } from '../../shared/errors.js';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { loadReporter } from '../load-reporter.js';
import { processOutput, type Output } from '../output.js';
import { runReporter, summarize } from '../run-reporter.js';
import type { WatchReporter } from '../../watch/watch-project.js';

interface WatchFlags extends RawCommonOptions {
  readonly test?: boolean;
  readonly poll?: boolean;
  readonly debounce?: number;
}

function parseMs(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('--debounce must be a whole number of milliseconds from 0 to 60000');
  return n;
}

/** `strata watch`: rebuild what a saved file affects, load landing files as they arrive, until Ctrl-C. */
export function registerWatchCommand(program: Command, setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('watch').description('rebuild what a saved file affects and load landing files as they arrive, until Ctrl-C'))
    .option('--test', 'also run the tests of what is rebuilt')
    .option('--poll', 'poll the file system instead of native events (network drives, containers)')
    .option('--debounce <ms>', 'quiet time after the last file event before rebuilding (default 100)', parseMs)
    .action(async (flags: WatchFlags) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { watchProject } = await import('../../watch/watch-project.js');
      const out = processOutput(flags.json ?? false);
      const base = loadReporter(out);
      const handle = watchProject({
        ...commonOptions(flags),
        select: flags.select,
        exclude: flags.exclude,
        kinds: flags.test ? ['seed', 'model', 'test'] : ['seed', 'model'],
        poll: flags.poll,
        debounceMs: flags.debounce,
        // Per-node lines for what runs; up-to-date nodes are counted in the cycle's summary.
        listener: { ...runReporter(out), upToDate: undefined },
        loadListener: { ...base, fileFinished: (o) => (o.status === 'unchanged' ? undefined : base.fileFinished?.(o)) },
        reporter: watchReporter(out),
      });
      let stopping = false;
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          if (stopping) {
            // A second Ctrl-C: leave now. Each node's swap is atomic, so nothing is half-written.
            out.error('stopped without waiting for the run in progress');
            process.exit(130);
          }
          stopping = true;
          out.line(out.color.dim('[watch] stopping (after the run in progress, if any; Ctrl-C again to leave now)'));
          void handle.stop().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        handle.ready.then(
          () => undefined,
          (error: unknown) => {
            out.error(`error: ${describeError(error)}`);
            setExitCode(2);
            void handle.stop().then(resolve);
          },
        );
      });
      if (out.json) out.event({ event: 'watch_stopped' });
      else out.line('[watch] stopped');
    });
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Lines around each cycle: why it ran, what it did, and that watching goes on. */
function watchReporter(out: Output): WatchReporter {
  let ready = false;
  return {
    cycleStarted({ initial, projectFiles, landing }) {
      const arrived = [...landing.values()].flat();
      if (out.json) return out.event({ event: 'cycle_started', initial, changed: projectFiles, arrived });
      const why = initial
        ? 'starting: loading what landed and building what is out of date'
        : [projectFiles.length ? `changed ${list(projectFiles)}` : '', arrived.length ? `arrived ${list([...new Set(arrived)])}` : ''].filter(Boolean).join('; ');
      out.line(`${clock()}  ${out.color.dim(`[watch] ${why}`)}`);
    },
    loaded() {},
    cycleFinished({ run, error, elapsedMs, retrying }) {
      if (error !== undefined) {
        const lines = error instanceof StrataErrors ? error.errors.map((e) => e.describe()) : [describeError(error)];
        if (out.json) out.event({ event: 'cycle_failed', errors: lines, retrying: retrying ?? false });
        else if (retrying) out.line(`${clock()}  ${out.color.yellow(`[watch] the database is busy (${lines[0]}); trying again`)}`);
        else for (const line of lines) out.line(`${clock()}  ${out.color.red(`[watch] error: ${line}`)}`);
        if (!(error instanceof StrataError || error instanceof StrataErrors) && process.env.STRATA_DEBUG && error instanceof Error) out.error(error.stack ?? '');
      } else if (run) {
        const s = summarize(run.results);
        const built = run.results.filter((r) => r.kind !== 'test' && r.status === 'success').length;
        if (out.json) out.event({ event: 'cycle_finished', built, errors: s.error, skipped: s.skip, upToDate: run.upToDate.length, elapsedMs: Math.round(elapsedMs) });
        else {
          const failed = s.error ? out.color.red(`, ${s.error} failed`) : '';
          const tests = run.results.some((r) => r.kind === 'test') ? `, ${run.results.filter((r) => r.kind === 'test' && r.status === 'success').length} tests passed` : '';
          out.line(`${clock()}  [watch] built ${built}${failed}${tests}, ${run.upToDate.length} up to date in ${(elapsedMs / 1000).toFixed(2)}s`);
          for (const failure of run.results.filter((r) => r.status === 'error')) out.line(`          ${out.color.red(`${failure.kind} ${failure.name}: ${failure.message ?? 'failed'}`)}`);
        }
      }
      if (ready && !out.json) out.line(`${clock()}  ${out.color.dim('[watch] watching for changes (Ctrl-C to stop)')}`);
      if (ready && out.json) out.event({ event: 'watching' });
      if (!ready) {
        ready = true;
        if (out.json) out.event({ event: 'watching' });
        else out.line(`${clock()}  ${out.color.dim('[watch] watching for changes (Ctrl-C to stop)')}`);
      }
    },
    info(line) {
      if (out.json) out.event({ event: 'info', message: line });
      else out.line(`${clock()}  [watch] ${line}`);
    },
  };
}

function list(files: readonly string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}
