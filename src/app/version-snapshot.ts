import { databaseFileOf } from '../adapters/create-adapter.js';
import { writeVersionSnapshot } from '../state/version-snapshot.js';
import type { ProjectSession } from './project-session.js';

/**
 * After a command that wrote to an embedded database closed it: keeps the relations' data
 * versions beside it, so cached reads need not open the file. A no-op on servers.
 */
export function saveVersionSnapshot(session: ProjectSession, versions: ReadonlyMap<string, string> | undefined): void {
  if (!versions) return;
  const file = databaseFileOf(session.project.settings.target, session.root);
  if (file) writeVersionSnapshot(session.targetDir, session.project.settings.targetName, file, versions);
}
