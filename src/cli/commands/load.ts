import { type Command, InvalidArgumentError } from 'commander';
import { parseIsoDate } from '../../load/load-date.js';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { loadReporter, printLoadSummary } from '../load-reporter.js';
import { processOutput } from '../output.js';

interface LoadFlags extends RawCommonOptions {
  readonly asOf?: Date;
}

function parseAsOf(text: string): Date {
  const date = parseIsoDate(text);
  if (!date) throw new InvalidArgumentError(`--as-of must be a date or timestamp, e.g. 2024-01-02 or 2024-01-02T10:00:00Z`);
  return date;
}

/** `strata load`: new landing files into raw; exit 1 when a file failed. */
export function registerLoadCommand(program: Command, setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('load').description('load new landing files of the selected sources into raw tables, idempotently'))
    .option('--as-of <timestamp>', 'logical load date of every file of this run (instead of the file-name date or now)', parseAsOf)
    .action(async (flags: LoadFlags) => {
      const { loadSources } = await import('../../app/load.js');
      const out = processOutput(flags.json ?? false);
      const outcome = await loadSources({ ...commonOptions(flags), select: flags.select, exclude: flags.exclude, asOf: flags.asOf, listener: loadReporter(out) });
      printLoadSummary(out, outcome);
      setExitCode(outcome.files.some((f) => f.status === 'failed') ? 1 : 0);
    });
}
