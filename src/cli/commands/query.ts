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
    .option('--no-cache', 'run the query even when a cached answer is current')
    .action(async (sql: string, flags: RawCommonOptions & { readonly env?: string; readonly cache: boolean }) => {
      if (flags.env !== undefined && flags.target !== undefined) throw new StrataError('usage', '--env and --target exclude each other: the environment names its target');
      // Loaded on use, so `--help` and other commands start fast.
      const { runQuery } = await import('../../app/query.js');
      const out = processOutput(flags.json ?? false);
      const answer = await runQuery({ ...commonOptions(flags), sql, environment: flags.env, cache: flags.cache });
      out.line(out.json ? JSON.stringify(answer.result.rows) : formatTable(answer.result));
      // Where the answer came from, on stderr so that stdout stays the result (text or JSON).
      const why = answer.reason ? ` (${answer.reason})` : '';
      out.error(out.color.dim(`cache: ${answer.cache}${why} in ${answer.elapsedMs.toFixed(1)} ms`));
    });
}
