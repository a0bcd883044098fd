import { execFileSync } from 'node:child_process';

/** The git commit the project is at (`git rev-parse HEAD`, read-only), or undefined outside git. */
export function projectCommit(root: string): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^[0-9a-f]{7,64}$/.test(head) ? head : undefined;
  } catch {
    return undefined;
  }
}
