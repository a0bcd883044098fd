/**
 * Issue 7: `strata docs generate` on a generated 5,000-model project (time, CPU, memory, output
 * size), and the time to first render of the site's graph page in headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core), opened from file://.
 *
 * Generate is measured three ways: cold (no parse cache: every model's SQL goes through DuckDB's
 * parser), warm (parse cache from the previous run, as on a developer's second run), and warm in
 * a git repository (one commit: the history of 5,000 files is read too). The project has no
 * database (never built), so the catalog step ends at once; the compile that produces
 * target/manifest.json is not counted (it has its own benchmark).
 *
 * Environment knobs: STRATA_BENCH_RUNS=3, STRATA_BENCH_DOCS_MODELS=5000.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';
import { generateSyntheticProject, writeStrataProject } from './lib/synthetic-project.js';

const NAME = 'docs';
const MODELS = Number(process.env.STRATA_BENCH_DOCS_MODELS ?? 5000);
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const GOAL_GENERATE_MS = 5000;
const GOAL_RENDER_MS = 2000;
const CHROMIUM = '/usr/bin/chromium';

type Variant = 'cold' | 'warm' | 'warm, git repository';

const log = (line: string): void => console.log(`[${NAME}] ${line}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = folderSize(full);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      bytes += statSync(full).size;
      files += 1;
    }
  }
  return { bytes, files };
}

async function main(): Promise<void> {
  const started = Date.now();
  const cli = snapshotCli(NAME);
  const dir = path.join(WORK_DIR, NAME, `project-${MODELS}`);
  writeStrataProject(generateSyntheticProject(MODELS), dir);
  const compile = await measureProcess(process.execPath, [cli, 'compile', '--no-format'], { cwd: dir });
  assertSucceeded('strata compile', compile);
  log(`${MODELS} models generated and compiled in ${seconds(compile.wallMs)}`);

  const generate = async (variant: Variant): Promise<ProcessMeasurement> => {
    if (variant === 'cold') rmSync(path.join(dir, 'target', 'docs_cache'), { recursive: true, force: true });
    const m = await measureProcess(process.execPath, [cli, 'docs', 'generate', '--no-compile'], { cwd: dir });
    assertSucceeded(`strata docs generate (${variant})`, m);
    const index = path.join(dir, 'target', 'docs', 'data', 'index.js');
    if (!existsSync(index) || !new RegExp(`for ${MODELS} nodes`).test(m.stdout)) throw new Error(`docs generate did not document ${MODELS} nodes:\n${m.stdout}`);
    log(`generate ${variant}: ${seconds(m.wallMs)} (CPU ${seconds(m.cpuMs)}), ${m.peakRssMb.toFixed(0)} MiB`);
    return m;
  };

  const results = new Map<Variant, ProcessMeasurement[]>([['cold', []], ['warm', []], ['warm, git repository', []]]);
  for (let run = 0; run < RUNS; run += 1) {
    results.get('cold')!.push(await generate('cold'));
    results.get('warm')!.push(await generate('warm'));
  }
  const size = folderSize(path.join(dir, 'target', 'docs'));
  const indexBytes = statSync(path.join(dir, 'target', 'docs', 'data', 'index.js')).size;
  const appBytes = statSync(path.join(dir, 'target', 'docs', 'app.js')).size;

  // First render, measured on the site as generated outside git (the git variant only adds history).
  const render = await firstRender(path.join(dir, 'target', 'docs', 'index.html'));

  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
  };
  git('init', '-q');
  git('add', '-A', 'models', 'macros', 'strata.yml');
  git('commit', '-q', '-m', 'synthetic project');
  for (let run = 0; run < RUNS; run += 1) results.get('warm, git repository')!.push(await generate('warm, git repository'));
  rmSync(path.join(dir, '.git'), { recursive: true, force: true });

  writeResultsSection(NAME, report(results, compile, size, indexBytes, appBytes, render, Date.now() - started));
}

interface RenderResult {
  readonly firstRenderMs: number[];
  readonly inPageMs: number[];
  readonly focusMs: number[];
  readonly pageMs: number[];
  readonly skipped?: string;
}

/** Opens the site in a fresh browser context per run and times the graph page, a focus and a model page. */
async function firstRender(indexHtml: string): Promise<RenderResult> {
  if (!existsSync(CHROMIUM)) return { firstRenderMs: [], inPageMs: [], focusMs: [], pageMs: [], skipped: `${CHROMIUM} is not installed` };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const out: RenderResult = { firstRenderMs: [], inPageMs: [], focusMs: [], pageMs: [] };
  const url = pathToFileURL(indexHtml).href;
  try {
    for (let run = 0; run < Math.max(RUNS, 3); run += 1) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const t0 = Date.now();
      await page.goto(url);
      await page.waitForSelector('svg.graph-svg g.node');
      out.firstRenderMs.push(Date.now() - t0);
      out.inPageMs.push(await page.evaluate(() => performance.now()));
      const t1 = Date.now();
      await page.goto(`${url}#/graph?focus=model.synthetic.m02500`);
      await page.waitForSelector('g.node.focused');
      out.focusMs.push(Date.now() - t1);
      const t2 = Date.now();
      await page.goto(`${url}#/node/model.synthetic.m02500`);
      await page.waitForSelector('table.columns');
      out.pageMs.push(Date.now() - t2);
      if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
      log(`first render ${out.firstRenderMs.at(-1)} ms (in page ${out.inPageMs.at(-1)!.toFixed(0)} ms), focus ${out.focusMs.at(-1)} ms, model page ${out.pageMs.at(-1)} ms`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

function report(
  results: Map<Variant, ProcessMeasurement[]>,
  compile: ProcessMeasurement,
  size: { bytes: number; files: number },
  indexBytes: number,
  appBytes: number,
  render: RenderResult,
  elapsedMs: number,
): string {
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const rows = [...results].map(([variant, ms]) => {
    const wall = median(ms.map((m) => m.wallMs));
    return [
      variant,
      String(ms.length),
      seconds(wall),
      ms.map((m) => seconds(m.wallMs)).join(', '),
      seconds(median(ms.map((m) => m.cpuMs))),
      `${median(ms.map((m) => m.peakRssMb)).toFixed(0)} MiB`,
      wall <= GOAL_GENERATE_MS ? 'yes' : 'no',
    ];
  });
  const renderRows = render.skipped
    ? [['(skipped)', render.skipped, '', '', '']]
    : [
        [
          `${median(render.firstRenderMs).toFixed(0)} ms`,
          render.firstRenderMs.map((t) => `${t}`).join(', '),
          `${median(render.inPageMs).toFixed(0)} ms`,
          `${median(render.focusMs).toFixed(0)} ms`,
          `${median(render.pageMs).toFixed(0)} ms`,
        ],
      ];
  const renderGoal = render.skipped ? 'not measured' : median(render.firstRenderMs) <= GOAL_RENDER_MS ? 'met' : 'not met';
  return [
    `## Documentation site: ${MODELS.toLocaleString('en')} models (bench/docs.bench.ts)`,
    '',
    machineFacts(),
    '',
    `\`strata docs generate --no-compile\` on a synthetic project of ${MODELS.toLocaleString('en')} models (bench/lib/synthetic-project.ts, no database, so no catalog; \`strata compile --no-format\` before it took ${seconds(compile.wallMs)} and is not counted). Goal: under ${seconds(GOAL_GENERATE_MS)}. Median of ${RUNS} runs each; every run is a new process (Node start-up included).`,
    '',
    markdownTable(['variant', 'runs', 'median wall', 'each run', 'median CPU (user+sys)', 'median peak RSS', `under ${GOAL_GENERATE_MS / 1000} s`], rows),
    '',
    '- cold: no parse cache, so all compiled SQL goes through DuckDB\'s parser (`json_serialize_sql`, 50 statements per call, 2 connections);',
    '  warm: the parse cache of the previous run (`target/docs_cache/`) holds every model\'s parsed query;',
    '  warm, git repository: the same with the project committed to git, so the history of each file is read (one `git log`, one `git cat-file --batch`).',
    `- Output: ${mib(size.bytes)} in ${size.files.toLocaleString('en')} files; \`data/index.js\` (read before the first render: nodes, edges, folder layout) ${mib(indexBytes)}; \`app.js\` (d3, dagre, DOMPurify, sql-formatter, diff, selector grammar) ${mib(appBytes)}.`,
    `- Peak RSS method: ${PEAK_RSS_METHOD}.`,
    '- The machine is shared (see the load average above): on two cores with other work running, wall time is well above CPU time; CPU time is the steadier figure.',
    '',
    `First render of the graph page in headless Chromium (${CHROMIUM}, playwright-core), from file://, a fresh browser context each run: time from \`page.goto\` until the first node box is in the SVG. The page opens on the project's folders (50 boxes), laid out at generate time. Goal: under ${seconds(GOAL_RENDER_MS)} — ${renderGoal}.`,
    '',
    markdownTable(['median first render', 'each run (ms)', 'median in-page time (performance.now at render)', 'median focus on a node (dagre in the browser)', 'median model page'], renderRows),
    '',
    `Whole benchmark: ${seconds(elapsedMs)}.`,
  ].join('\n');
}

await main();
