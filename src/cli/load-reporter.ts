import path from 'node:path';
import type { LoadOutcome } from '../app/load.js';
import type { FileOutcome, LoadListener } from '../load/load-landing.js';
import type { Output } from './output.js';
import { groupDigits } from './group-digits.js';

const WIDTH = 72;
/** Files at least this large get progress lines while they load. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;
const PROGRESS_EVERY_MS = 2000;

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

function dots(text: string): string {
  return `${text} ${'.'.repeat(Math.max(3, WIDTH - text.length))}`;
}

/** One line per file (new, skipped, failed), progress for large files, or JSON events. */
export function loadReporter(out: Output): LoadListener {
  let index = 0;
  let lastProgress = 0;
  return {
    fileProgress(source, path, bytes, size, phase) {
      if (size < PROGRESS_MIN_BYTES || Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      const pct = Math.min(100, Math.floor((bytes / size) * 100));
      if (out.json) return out.event({ event: 'file_progress', source, path, bytes, sizeBytes: size, phase });
      out.line(`${clock()}  ${out.color.dim(`   ${source} ${path}: ${phase === 'hash' ? 'hashing' : 'loading'} ${pct}%`)}`);
    },
    fileFinished(outcome) {
      index += 1;
      if (out.json) return out.event({ event: 'file_finished', ...outcome });
      const seconds = `${(outcome.durationMs / 1000).toFixed(2)}s`;
      const what = `${outcome.source} ${outcome.path}`;
      switch (outcome.status) {
        case 'loaded': {
          const rejected = outcome.rejected ? `, ${groupDigits(outcome.rejected)} rejected` : '';
          out.line(`${clock()}  ${dots(`${index} NEW ${what}`)} [${out.color.green('LOADED')} ${groupDigits(outcome.rows)} rows${rejected} in ${seconds}, load ${outcome.loadId}]`);
          for (const change of outcome.schemaChanges) out.line(`          ${out.color.yellow('schema change')}: ${change}`);
          break;
        }
        case 'skipped_duplicate':
          out.line(`${clock()}  ${dots(`${index} SKIP ${what}`)} [${out.color.yellow('DUPLICATE')} of ${outcome.duplicateOf?.path ?? 'a loaded file'}${outcome.duplicateOf?.loadId ? `, load ${outcome.duplicateOf.loadId}` : ''}]`);
          break;
        case 'unchanged':
          out.line(`${clock()}  ${dots(`${index} SKIP ${what}`)} [${out.color.dim('UNCHANGED')} since load ${outcome.loadId}]`);
          break;
        case 'failed':
          out.line(`${clock()}  ${dots(`${index} FAIL ${what}`)} [${out.color.red('FAILED')} in ${seconds}]`);
          out.line(`          ${outcome.error ?? 'failed'}`);
          break;
      }
    },
  };
}

/** Counts of a load's outcomes. */
export function loadCounts(files: readonly FileOutcome[]): { loaded: number; duplicate: number; unchanged: number; failed: number; rows: number } {
  return {
    loaded: files.filter((f) => f.status === 'loaded').length,
    duplicate: files.filter((f) => f.status === 'skipped_duplicate').length,
    unchanged: files.filter((f) => f.status === 'unchanged').length,
    failed: files.filter((f) => f.status === 'failed').length,
    rows: files.reduce((sum, f) => sum + f.rows, 0),
  };
}

/** The closing summary of `strata load` (and of the load step of `strata build`). */
export function printLoadSummary(out: Output, outcome: LoadOutcome): void {
  const c = loadCounts(outcome.files);
  if (out.json) {
    out.event({ event: 'load_finished', ...c, files: outcome.files.length, sources: outcome.sources, elapsedMs: outcome.elapsedMs, loadResults: outcome.resultsPath, report: outcome.finish?.htmlPath });
    return;
  }
  if (outcome.sources === 0) {
    out.line('Nothing to load: no selected source declares a landing zone.');
    return;
  }
  out.line('');
  out.line(
    `Loaded ${groupDigits(c.loaded)} new file${c.loaded === 1 ? '' : 's'} (${groupDigits(c.rows)} rows) from ${groupDigits(outcome.sources)} source table${outcome.sources === 1 ? '' : 's'} in ${(outcome.elapsedMs / 1000).toFixed(2)}s; ` +
      `skipped ${groupDigits(c.duplicate + c.unchanged)} (${groupDigits(c.duplicate)} duplicate, ${groupDigits(c.unchanged)} unchanged); ${groupDigits(c.failed)} failed.`,
  );
  const failures = outcome.files.filter((f) => f.status === 'failed');
  if (failures.length) {
    out.line('');
    out.line(out.color.red(`${failures.length} file${failures.length === 1 ? '' : 's'} failed to load:`));
    for (const f of failures) out.line(`  ${f.error ?? f.path}`);
  }
  out.line('');
  out.line(`Done. NEW=${c.loaded} SKIP=${c.duplicate + c.unchanged} FAIL=${c.failed} TOTAL=${outcome.files.length}`);
  if (outcome.finish) {
    out.line(`Report: ${path.relative(process.cwd(), outcome.finish.htmlPath) || outcome.finish.htmlPath}`);
    for (const n of outcome.finish.notifications) if (n.error) out.error(out.color.yellow(`warning: could not notify ${n.notifier}: ${n.error}`));
  }
}
