import path from 'node:path';
import type { Command } from 'commander';
import { processOutput } from '../output.js';

/** `strata init DIR`. */
export function registerInitCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('init')
    .argument('<dir>', 'a new or empty folder')
    .description('create a working project from the template')
    .action(async (dir: string) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { initProject } = await import('../../app/init-project.js');
      const out = processOutput(false);
      const created = initProject(dir);
      out.line(`Created a Strata project in ${created}`);
      out.line(`Next: cd ${path.relative(process.cwd(), created) || '.'} && strata build`);
    });
}
