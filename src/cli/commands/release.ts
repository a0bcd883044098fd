import type { Command } from 'commander';
import type { LoadOutcome } from '../../app/load.js';
import { StrataError } from '../../shared/errors.js';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { loadReporter, printLoadSummary } from '../load-reporter.js';
import { processOutput, type Output } from '../output.js';
import { printPlan, printPromotion, printReleaseSummary, printRollback, printStatus } from '../release-reporter.js';
import { runReporter } from '../run-reporter.js';

interface EnvFlags extends RawCommonOptions {
  readonly env: string;
}

/** The environment names the target: `--target` would contradict it. */
function environmentOptions(flags: RawCommonOptions): ReturnType<typeof commonOptions> {
  if (flags.target !== undefined) throw new StrataError('usage', 'release commands take --env; the environment names its target (remove --target)');
  return commonOptions(flags);
}

/** Prints what a load before a build brought in; a file that failed makes the command exit 1 (as in `build`), the release goes on. */
function loadSummary(out: Output, setExitCode: (code: number) => void): (load: LoadOutcome) => void {
  return (load) => {
    if (load.sources === 0) return;
    printLoadSummary(out, load);
    if (load.files.some((f) => f.status === 'failed')) setExitCode(1);
  };
}

/** `strata release`, `promote`, `rollback` and `status`: versioned releases per environment. */
export function registerReleaseCommands(program: Command, setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('release').description('build and test the project into a new release for an environment (its views do not change); a failed critical test exits 1'), {
    selection: false,
  })
    .requiredOption('--env <environment>', 'the environment (from strata.yml environments) to build the release for')
    .option('--dry-run', 'print the plan (what is built, what is reused) and change nothing')
    .action(async (flags: EnvFlags & { readonly dryRun?: boolean }) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { release } = await import('../../app/release.js');
      const out = processOutput(flags.json ?? false);
      const outcome = await release({
        ...environmentOptions(flags),
        environment: flags.env,
        dryRun: flags.dryRun,
        listener: runReporter(out),
        loadListener: loadReporter(out),
        onLoaded: loadSummary(out, setExitCode),
      });
      if (flags.dryRun) return printPlan(out, outcome);
      printReleaseSummary(out, outcome, outcome.environment.name, outcome.elapsedMs);
      setExitCode(outcome.release?.status === 'success' ? 0 : 1);
    });

  withProjectOptions(program.command('promote').argument('<release>', "a release id, or 'latest' (the newest good release built for the environment)").description("point an environment's public views at a release, atomically"), {
    selection: false,
  })
    .requiredOption('--env <environment>', 'the environment to promote')
    .action(async (releaseId: string, flags: EnvFlags) => {
      const { promote } = await import('../../app/promote.js');
      const out = processOutput(flags.json ?? false);
      const started = Date.now();
      const outcome = await promote({
        ...environmentOptions(flags),
        environment: flags.env,
        release: releaseId,
        listener: runReporter(out),
        loadListener: loadReporter(out),
        onLoaded: loadSummary(out, setExitCode),
      });
      printPromotion(out, outcome, Date.now() - started);
      setExitCode(outcome.failed ? 1 : 0);
    });

  withProjectOptions(program.command('rollback').description('point an environment back at its previous good release (or --to RELEASE)'), { selection: false })
    .requiredOption('--env <environment>', 'the environment to roll back')
    .option('--to <release>', 'the release to go back to (default: the one the live release replaced)')
    .action(async (flags: EnvFlags & { readonly to?: string }) => {
      const { rollback } = await import('../../app/rollback.js');
      const out = processOutput(flags.json ?? false);
      printRollback(out, await rollback({ ...environmentOptions(flags), environment: flags.env, to: flags.to }));
    });

  withProjectOptions(program.command('status').description('per environment: the live release, its version and commit, when and by whom it was promoted, its tests'), {
    selection: false,
  })
    .option('--env <environment>', 'only this environment')
    .action(async (flags: RawCommonOptions & { readonly env?: string }) => {
      const { status } = await import('../../app/status.js');
      const out = processOutput(flags.json ?? false);
      const environments = await status({ ...commonOptions(flags), environment: flags.env });
      printStatus(out, environments);
      // An environment whose database cannot be read is an error (the others are still shown).
      if (environments.some((e) => e.error)) setExitCode(2);
    });
}
