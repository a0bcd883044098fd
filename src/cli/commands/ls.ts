import type { Command } from 'commander';
import { commonOptions, withProjectOptions, type RawCommonOptions } from '../common-options.js';
import { processOutput } from '../output.js';

/** `strata ls`: one selected node per line, or JSON objects. */
export function registerLsCommand(program: Command, _setExitCode: (code: number) => void): void {
  withProjectOptions(program.command('ls').alias('list').description('list the nodes a selector picks')).action(async (flags: RawCommonOptions) => {
    // Loaded on use, so `--help` and other commands start fast.
    const { listNodes } = await import('../../app/list-nodes.js');
    const out = processOutput(flags.json ?? false);
    for (const { node, priority } of await listNodes({ ...commonOptions(flags), select: flags.select, exclude: flags.exclude })) {
      if (out.json) {
        out.line(
          JSON.stringify({
            uniqueId: node.uniqueId,
            name: node.name,
            kind: node.kind,
            path: node.path,
            tags: node.tags,
            materialized: node.kind === 'model' ? node.config.materialized : undefined,
            dependsOn: node.dependsOn,
            priority,
          }),
        );
      } else {
        out.line(node.kind === 'source' ? `source:${node.name}` : node.kind === 'exposure' ? `exposure:${node.name}` : node.name);
      }
    }
  });
}
