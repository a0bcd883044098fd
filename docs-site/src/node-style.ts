import type { IndexNode, TestSummary } from '../../src/docs/site-data.js';

/** Kind label shown in lists and badges. */
export function kindLabel(node: Pick<IndexNode, 'kind'>): string {
  return node.kind;
}

/** `fail` when the last run or a test failed, `warn` for warnings, `ok` when all that ran passed. */
export function nodeStatus(node: Pick<IndexNode, 'run' | 'tests'>): 'ok' | 'warn' | 'fail' | undefined {
  const t: TestSummary = node.tests ?? {};
  if (node.run === 'error' || (t.fail ?? 0) > 0 || (t.error ?? 0) > 0) return 'fail';
  if ((t.warn ?? 0) > 0 || node.run === 'skipped') return 'warn';
  if (node.run === 'success' || (t.pass ?? 0) > 0) return 'ok';
  return undefined;
}

/** One line describing run and test state, for tooltips. */
export function statusText(node: Pick<IndexNode, 'run' | 'tests'>): string {
  const parts: string[] = [];
  if (node.run) parts.push(`last run: ${node.run}`);
  const t = node.tests;
  if (t) {
    const counts = (['pass', 'warn', 'fail', 'error', 'skipped', 'none'] as const).filter((k) => t[k]).map((k) => `${t[k]} ${k === 'none' ? 'not run' : k}`);
    parts.push(`tests: ${counts.join(', ')}`);
  }
  return parts.join(' · ');
}

export function displayName(node: Pick<IndexNode, 'name' | 'label'>): string {
  return node.label ?? node.name;
}
