import { execFileSync } from 'node:child_process';
import { projectCommit } from '../load/project-commit.js';

/** The commit a release is built from, and whether the working tree had uncommitted changes. */
export interface GitState {
  /** Full commit hash, or `none` outside git. */
  readonly commit: string;
  readonly dirty: boolean;
}

/** Reads `git rev-parse HEAD` and `git status --porcelain` (read-only); outside git: commit `none`, clean. */
export function gitState(root: string): GitState {
  const commit = projectCommit(root);
  if (!commit) return { commit: 'none', dirty: false };
  try {
    const status = execFileSync('git', ['status', '--porcelain', '--', '.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit, dirty: false };
  }
}
