import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { processOutput } from '../output.js';

interface ServeFlags extends RawCommonOptions {
  readonly host?: string;
  readonly port?: number;
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('--port must be a whole number from 0 to 65535');
  return n;
}

/** `strata serve`: the read-only HTTP endpoint over the target, until Ctrl-C. */
export function registerServeCommand(program: Command, _setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('serve').description('serve read-only queries over HTTP (GET /query?sql=…, /queries/<name>), answered from the cache'), { selection: false })
    .option('--host <host>', 'address to listen on (strata.yml serve.host, default 127.0.0.1: this machine only)')
    .option('--port <port>', 'port to listen on (strata.yml serve.port, default 8181; 0 picks a free one)', parsePort)
    .action(async (flags: ServeFlags) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { QueryService } = await import('../../app/query-service.js');
      const { startQueryServer } = await import('../../serve/serve-queries.js');
      const out = processOutput(flags.json ?? false);
      const service = new QueryService({ ...commonOptions(flags), strict: true });
      const settings = service.serveSettings();
      const host = flags.host ?? settings.host;
      const server = await startQueryServer(service, {
        host,
        port: flags.port ?? settings.port,
        maxRows: settings.max_rows,
        timeoutMs: settings.timeout_seconds * 1000,
        log: (line) => (out.json ? out.event({ event: 'request', line }) : out.line(out.color.dim(line))),
      });
      if (out.json) out.event({ event: 'serving', url: server.url, queries: service.namedQueries().map((q) => q.name) });
      else {
        out.line(`Serving ${server.url}  (GET /query?sql=…, /queries, /queries/<name>; Ctrl-C to stop)`);
        if (!/^(127\.|::1$|localhost$|\[::1\])/.test(host)) out.error(out.color.yellow(`warning: listening on ${host}: anyone who reaches this port can read what the target holds`));
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await service.close();
      if (!out.json) out.line('Stopped.');
    });
}
