import { describeError } from '../shared/errors.js';
import { STRATA_VERSION } from '../shared/version.js';
import { openProject, type CommonOptions } from './project-session.js';

export interface DebugReport {
  readonly strataVersion: string;
  readonly nodeVersion: string;
  readonly project: string;
  readonly target: string;
  readonly settings: Record<string, string>;
  readonly connection: { readonly ok: boolean; readonly message: string };
}

/** `strata debug`: the resolved target (secrets masked) and whether a connection works. */
export async function debug(options: CommonOptions): Promise<DebugReport> {
  const session = openProject(options);
  const { settings } = session.project;
  let connection: DebugReport['connection'];
  let described: Record<string, string> = { adapter: settings.target.adapter };
  try {
    const adapter = await session.connect({ runLock: false });
    described = adapter.describe();
    try {
      await adapter.withConnection((c) => c.query('select 1 as ok'));
      connection = { ok: true, message: 'connection ok' };
    } finally {
      await adapter.close();
    }
  } catch (error) {
    connection = { ok: false, message: describeError(error) };
  }
  return {
    strataVersion: STRATA_VERSION,
    nodeVersion: process.version,
    project: `${settings.config.name} ${settings.config.version}`,
    target: settings.targetName,
    settings: described,
    connection,
  };
}
