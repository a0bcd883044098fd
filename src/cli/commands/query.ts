import type { Command } from 'commander';
import { StrataError } from '../../shared/errors.js';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { formatTable } from '../format-table.js';
import { processOutput } from '../output.js';

/** `strata query "SQL"`: a table, or the rows as a JSON array with `--json` (numbers keep their precision as strings). */
export function registerQueryCommand(program: Command, _setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('query').argument('<sql>', 'one statement; {{ ref() }} and {{ source() }} allowed').description('run one templated statement against the target'), {
    selection: false,
  })
    .option('--env <environment>', 'read what an environment serves: ref() names its public views, on its target')
    .action(async (sql: string, flags: RawCommonOptions & { readonly env?: string }) => {
      if (flags.env !== undefined && flags.target !== undefined) throw new StrataError('usage', '--env and --target exclude each other: the environment names its target');
      // Loaded on use, so `--help` and other commands start fast.
      const { query } = await import('../../app/query.js');
      const out = processOutput(flags.json ?? false);
      const result = await query({ ...commonOptions(flags), sql, environment: flags.env });
      out.line(out.json ? JSON.stringify(result.rows) : formatTable(result));
    });
}
