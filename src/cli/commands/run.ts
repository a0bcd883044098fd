import type { Command } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { loadReporter, printLoadSummary } from '../load-reporter.js';
import { processOutput, type Output } from '../output.js';
import { printRunSummary, runReporter } from '../run-reporter.js';
import type { LoadedFileEntry } from '../../observability/report/run-report.js';

interface RunFlags extends RawCommonOptions {
  readonly failFast?: boolean;
  readonly fullRefresh?: boolean;
  readonly changed?: boolean;
}

const COMMANDS = {
  run: { kinds: ['model'], description: 'materialize the selected models in dependency order' },
  seed: { kinds: ['seed'], description: 'load seeds/*.csv into tables' },
  test: { kinds: ['test'], description: 'run the data tests of the selected nodes; failures exit 1' },
  build: { kinds: ['seed', 'model', 'test'], description: 'seed, run and test the selected nodes in DAG order; a failed critical test stops what is downstream' },
} as const;

/** `strata run`, `strata seed` and `strata build`: the same use case over different kinds of node. */
export function registerRunCommands(program: Command, setExitCode: (code: number) => void): void {
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const command = withProjectOptions(program.command(name).description(spec.description))
      .option('--full-refresh', 'rebuild incremental models from scratch')
      .option('-x, --fail-fast', 'stop at the first failure')
      .option('--changed', 'only what changed since its last build (code, config or new input data) and what depends on it');
    command.action(async (flags: RunFlags) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { runProject } = await import('../../app/run-project.js');
      const out = processOutput(flags.json ?? false);
      const loaded = name === 'build' ? await loadBeforeBuild(flags, out, setExitCode) : undefined;
      const outcome = await runProject({
        loadedFiles: loaded?.files,
        profiled: loaded?.profiled,
        ...commonOptions(flags),
        select: flags.select,
        exclude: flags.exclude,
        failFast: flags.failFast,
        fullRefresh: flags.fullRefresh,
        changed: flags.changed,
        kinds: spec.kinds,
        listener: runReporter(out),
        command: name,
      });
      printRunSummary(out, outcome);
      setExitCode(outcome.results.some((r) => r.status === 'error') ? 1 : 0);
    });
  }
}

/**
 * `build` loads new landing files of the sources it reads first; a failed file makes the build
 * exit 1 but does not stop it. The files are reported with the build's own run.
 */
async function loadBeforeBuild(flags: RunFlags, out: Output, setExitCode: (code: number) => void): Promise<{ files: LoadedFileEntry[]; profiled: readonly string[] } | undefined> {
  const { loadSources, fileEntries } = await import('../../app/load.js');
  const loaded = await loadSources({ ...commonOptions(flags), select: flags.select, exclude: flags.exclude, upstreamOfSelection: true, listener: loadReporter(out), report: false });
  if (loaded.sources === 0) return undefined;
  printLoadSummary(out, loaded);
  if (loaded.files.some((f) => f.status === 'failed')) setExitCode(1);
  return { files: fileEntries(loaded.files), profiled: loaded.profiled };
}
