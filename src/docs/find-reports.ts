import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Reports linked at most (newest first). */
const MAX_REPORTS = 50;

/**
 * HTML reports in `target/reports` (the observability reports each run writes, named
 * `<UTC time>-<run id>.html`), newest first, linked relative to the site.
 */
export function findReports(targetDir: string): { title: string; href: string }[] {
  const dir = path.join(targetDir, 'reports');
  if (!existsSync(dir)) return [];
  const out: { title: string; href: string; key: string }[] = [];
  const walk = (sub: string, depth: number): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory() && depth < 2) walk(rel, depth + 1);
      else if (entry.isFile() && /\.html?$/i.test(entry.name)) {
        const stem = entry.name.replace(/\.html?$/i, '');
        const run = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(\w+)$/.exec(stem);
        const title = run ? `Run ${run[1]}-${run[2]}-${run[3]} ${run[4]}:${run[5]}:${run[6]} UTC (${run[7]})` : rel.replace(/\.html?$/i, '').replace(/[_-]+/g, ' ');
        out.push({ title, href: `../reports/${rel}`, key: run ? stem : `0-${rel}` });
      }
    }
  };
  walk('', 0);
  return out
    .sort((a, b) => b.key.localeCompare(a.key))
    .slice(0, MAX_REPORTS)
    .map(({ title, href }) => ({ title, href }));
}
