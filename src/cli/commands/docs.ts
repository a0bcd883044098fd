import { type Command, InvalidArgumentError } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { processOutput } from '../output.js';

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be a whole number from 0 to 65535');
  return n;
}

/** `strata docs generate` and `strata docs serve`. */
export function registerDocsCommand(program: Command, _setExitCode: (code: number) => void): void {
  const docs = program.command('docs').description('the static documentation site: lineage, columns, SQL and history');

  withProjectOptions(docs.command('generate').description('write the documentation site to target/docs'), { selection: false })
    .option('--no-catalog', 'do not read columns, types and row counts from the database')
    .option('--count-views', 'count the rows of views too (runs their queries)')
    .option('--compile', 'compile the project first even when the manifest is up to date')
    .option('--no-compile', 'use target/manifest.json as it is, never compile')
    .action(async (flags: RawCommonOptions & { catalog: boolean; countViews?: boolean; compile?: boolean }) => {
      const out = processOutput(flags.json ?? false);
      const { generateDocs } = await import('../../app/docs-generate.js');
      const outcome = await generateDocs({
        ...commonOptions(flags),
        catalog: flags.catalog,
        countViews: flags.countViews ?? false,
        compile: flags.compile === undefined ? 'auto' : flags.compile ? 'always' : 'never',
      });
      if (out.json) return out.event({ event: 'docs_generated', ...outcome });
      for (const warning of outcome.warnings) out.error(`warning: ${warning}`);
      for (const line of outcome.missing) out.line(out.color.dim(`  not shown: ${line}`));
      const mib = (outcome.bytes / 1024 / 1024).toFixed(1);
      out.line(
        `Documentation for ${outcome.nodeCount} nodes written to ${outcome.dir} (${outcome.files} files, ${mib} MiB) in ${(outcome.elapsedMs / 1000).toFixed(2)}s${outcome.compiled ? ', after compiling' : ''}`,
      );
      out.line(`Open ${outcome.dir}/index.html in a browser, or run \`strata docs serve\`.`);
    });

  withProjectOptions(docs.command('serve').description('serve target/docs on a local HTTP port'), { selection: false })
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (flags: RawCommonOptions & { port: number; host: string }) => {
      const out = processOutput(flags.json ?? false);
      const { serveDocs } = await import('../../app/docs-serve.js');
      const server = await serveDocs({ ...commonOptions(flags), port: flags.port, host: flags.host });
      if (out.json) out.event({ event: 'docs_serving', url: server.url });
      else out.line(`Serving the documentation at ${server.url} (Ctrl+C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  // Usage errors of the subcommands exit 2 through main(), like every other command's.
  for (const command of docs.commands) command.exitOverride();
}
