import type { Command } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { processOutput } from '../output.js';

/** `strata debug`: versions, the resolved target with secrets masked, and a connection check (exit 2 when it fails). */
export function registerDebugCommand(program: Command, setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('debug').description('show the resolved target and check the connection'), { selection: false }).action(
    async (flags: RawCommonOptions) => {
      // Loaded on use, so `--help` and other commands start fast.
      const { debug } = await import('../../app/debug.js');
      const out = processOutput(flags.json ?? false);
      const report = await debug(commonOptions(flags));
      if (out.json) out.line(JSON.stringify(report));
      else {
        out.line(`strata ${report.strataVersion} (node ${report.nodeVersion})`);
        out.line(`project: ${report.project}`);
        out.line(`target: ${report.target}`);
        for (const [key, value] of Object.entries(report.settings)) out.line(`  ${key}: ${value}`);
        out.line(`connection: ${report.connection.ok ? out.color.green('OK') : out.color.red('FAILED')} ${report.connection.message}`);
      }
      if (!report.connection.ok) setExitCode(2);
    },
  );
}
