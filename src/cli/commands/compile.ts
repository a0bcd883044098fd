import type { Command } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { processOutput } from '../output.js';

/** `strata compile`. */
export function registerCompileCommand(program: Command, _setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('compile').description('render models to target/compiled and write target/manifest.json'), { selection: false })
    .option('--no-format', 'write compiled SQL as rendered, without sql-formatter')
    .action(async (flags: RawCommonOptions & { format: boolean }) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { compile } = await import('../../app/compile.js');
      const out = processOutput(flags.json ?? false);
      const outcome = compile({ ...commonOptions(flags), format: flags.format });
      if (out.json) return out.event({ event: 'compiled', ...outcome });
      for (const warning of outcome.warnings) out.error(`warning: ${warning}`);
      out.line(`Compiled ${outcome.modelCount} models (${outcome.nodeCount} nodes) in ${(outcome.elapsedMs / 1000).toFixed(2)}s; manifest at ${outcome.manifestPath}`);
    });
}
