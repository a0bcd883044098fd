import type { Command } from 'commander';
import { processOutput } from '../output.js';

/** `strata clean`. */
export function registerCleanCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('clean')
    .description('remove generated files from target/ (compiled SQL, artifacts, docs)')
    .option('--project-dir <dir>', 'the project folder', process.cwd())
    .action(async (flags: { projectDir: string }) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { clean } = await import('../../app/clean.js');
      const out = processOutput(false);
      const removed = clean(flags);
      out.line(removed.length ? removed.map((r) => `removed ${r}`).join('\n') : 'nothing to clean');
    });
}
