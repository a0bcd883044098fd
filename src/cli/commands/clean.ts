import type { Command } from 'commander';
import { clean } from '../../app/clean.js';
import { processOutput } from '../output.js';

/** `strata clean`. */
export function registerCleanCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('clean')
    .description('remove generated files from target/ (compiled SQL, artifacts, docs)')
    .option('--project-dir <dir>', 'the project folder', process.cwd())
    .action((flags: { projectDir: string }) => {
      const out = processOutput(false);
      const removed = clean(flags);
      out.line(removed.length ? removed.map((r) => `removed ${r}`).join('\n') : 'nothing to clean');
    });
}
