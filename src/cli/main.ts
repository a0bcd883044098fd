import { Command, CommanderError } from 'commander';
import { describeError, exitCodeFor, StrataErrors } from '../shared/errors.js';
import { STRATA_VERSION } from '../shared/version.js';
import { registerCleanCommand } from './commands/clean.js';
import { registerCompileCommand } from './commands/compile.js';
import { registerDebugCommand } from './commands/debug.js';
import { registerDocsCommand } from './commands/docs.js';
import { registerInitCommand } from './commands/init.js';
import { registerLoadCommand } from './commands/load.js';
import { registerLsCommand } from './commands/ls.js';
import { registerQueryCommand } from './commands/query.js';
import { registerServeCommand } from './commands/serve.js';
import { registerWatchCommand } from './commands/watch.js';
import { registerRunCommands } from './commands/run.js';
import { registerReleaseCommands } from './commands/release.js';

/** Runs the CLI with `argv` (as in process.argv) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('strata')
    .description('SQL transformations with history, lineage and release gates, on DuckDB and PostgreSQL')
    .version(STRATA_VERSION)
    .exitOverride()
    .showSuggestionAfterError(true);
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerInitCommand(program, setExitCode);
  registerCompileCommand(program, setExitCode);
  registerLoadCommand(program, setExitCode);
  registerRunCommands(program, setExitCode);
  registerReleaseCommands(program, setExitCode);
  registerLsCommand(program, setExitCode);
  registerQueryCommand(program, setExitCode);
  registerServeCommand(program, setExitCode);
  registerWatchCommand(program, setExitCode);
  registerCleanCommand(program, setExitCode);
  registerDebugCommand(program, setExitCode);
  registerDocsCommand(program, setExitCode);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors are exit 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    const lines = error instanceof StrataErrors ? error.errors.map((e) => e.describe()) : [describeError(error)];
    for (const line of lines) process.stderr.write(`error: ${line}\n`);
    if (!(error instanceof Error) || (error.name !== 'StrataError' && error.name !== 'StrataErrors')) {
      if (process.env.STRATA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
    return exitCodeFor(error);
  }
}
