import { existsSync } from 'node:fs';
import type { Adapter } from '../adapters/contract.js';
import { databaseFileOf } from '../adapters/create-adapter.js';
import type { ProjectSession } from './project-session.js';

/**
 * Opens the target only to read, without the run lock: an embedded file read-only (so it never
 * blocks a run for longer than the read), a server with read-only sessions. Undefined when the
 * embedded database file does not exist yet (nothing was ever built).
 */
export async function connectForReading(session: ProjectSession): Promise<Adapter | undefined> {
  const file = databaseFileOf(session.project.settings.target, session.root);
  if (file !== undefined && !existsSync(file)) return undefined;
  return session.connect({ runLock: false, readOnly: true });
}
