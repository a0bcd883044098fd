/**
 * The documentation site in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): the example project's site from file:// and through `docs serve`, search,
 * a model page, column lineage, git history, descriptions that try to run script, and a
 * generated 5,000-model project. Screenshots go to tests/.artifacts/docs/.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateSyntheticProject, writeStrataProject } from '../../bench/lib/synthetic-project.js';
import { CLI, runCli } from '../helpers/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = path.join(REPO, 'tests', '.artifacts', 'docs');
const skip = existsSync(CHROMIUM) ? false : `Debian's chromium is not installed at ${CHROMIUM} (apt-get install -y chromium): the browser tests of the docs site cannot run`;

const dirs: string[] = [];
let browser: Browser | undefined;

/** A page that records console errors, uncaught exceptions and dialogs (alert() from injected script). */
async function openPage(): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, errors, dialogs };
}

/** Saves a screenshot; `tall` grows the window first (the page scrolls inside its main panel, not the document). */
async function shot(page: Page, name: string, tall = false): Promise<void> {
  if (tall) {
    const height = await page.evaluate(() => (document.querySelector('main')?.scrollHeight ?? 900) + 60);
    await page.setViewportSize({ width: 1440, height: Math.min(4000, Math.max(900, height)) });
    await page.waitForTimeout(100);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  if (tall) await page.setViewportSize({ width: 1440, height: 900 });
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]');
}

/** Labels of the boxes drawn in the graph. */
async function graphLabels(page: Page): Promise<string[]> {
  await page.waitForSelector('svg.graph-svg g.node');
  return page.$$eval('svg.graph-svg g.node title', (titles) => titles.map((t) => (t.textContent ?? '').split('\n')[0]!.replace(/^\w+ /, '')));
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Docs Test', '-c', 'user.email=docs@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

async function cli(args: string[], cwd: string): Promise<string> {
  const result = await runCli(args, cwd);
  assert.equal(result.code, 0, `strata ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('documentation site in headless Chromium', { skip }, () => {
  let example: string;
  let site: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The repository's example project, copied so the test has its own database and git history.
    example = mkdtempSync(path.join(tmpdir(), 'strata-docs-e2e-'));
    dirs.push(example);
    for (const entry of ['strata.yml', 'models', 'seeds', 'macros', 'landing', 'data-tests']) {
      if (existsSync(path.join(REPO, entry))) cpSync(path.join(REPO, entry), path.join(example, entry), { recursive: true });
    }
    git(example, 'init', '-q');
    git(example, 'add', '-A');
    git(example, 'commit', '-q', '-m', 'Example project');
    appendFileSync(path.join(example, 'models', 'marts', 'bars_1m.sql'), '-- reviewed: bars are complete minutes only\n');
    git(example, 'commit', '-q', '-am', 'Note on bar completeness');
    await cli(['build'], example);
    await cli(['docs', 'generate'], example);
    site = path.join(example, 'target', 'docs');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('opens from file:// with no console errors and draws the expected lineage graph', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
    await ready(page);
    const labels = await graphLabels(page);
    for (const name of ['stg_trades', 'stg_instruments', 'bars_1m', 'dim_instruments', 'instrument_daily_summary', 'latest_prices', 'trading_dashboard', 'instruments', 'exchanges']) {
      assert.ok(labels.includes(name), `the graph shows ${name} (it shows ${labels.join(', ')})`);
    }
    assert.ok(labels.some((l) => l.startsWith('market.')), 'the graph shows the sources');
    await shot(page, 'graph');
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/project');
    await page.waitForSelector('ul.inputs');
    assert.match((await page.locator('ul.inputs').textContent()) ?? '', /Last run results/);
    await shot(page, 'project', true);
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/node/source.market_data.market.trades');
    await page.waitForSelector('#section-loads');
    await shot(page, 'source-page', true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('focuses a clicked node with its upstream and downstream, and filters with a dbt selector', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
    await ready(page);
    await page.locator('svg.graph-svg g.node', { has: page.locator('text.label', { hasText: /^latest_prices$/ }) }).click();
    await page.waitForSelector('g.node.focused');
    assert.match(page.url(), /focus=model\.market_data\.latest_prices/);
    assert.equal(await page.locator('.graph-panel h2').textContent(), 'latest_prices');
    await page.selectOption('#up-depth', '1');
    await page.waitForFunction(() => location.hash.includes('up=1'));
    const near = await graphLabels(page);
    assert.deepEqual(near.sort(), ['bars_1m', 'latest_prices', 'stg_instruments', 'trading_dashboard']);
    await shot(page, 'graph-focused');
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/graph');
    await ready(page);
    await page.fill('#selector-input', '+bars_1m');
    await page.press('#selector-input', 'Enter');
    await page.waitForFunction(() => location.hash.includes('select='));
    const selected = await graphLabels(page);
    assert.ok(selected.includes('bars_1m') && selected.includes('stg_trades'));
    assert.ok(!selected.includes('dim_instruments'), 'nodes outside the selector are not drawn');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('finds a column by name with the keyboard and opens it on its model page', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
    await ready(page);
    await page.keyboard.press('/');
    await page.keyboard.type('last_vwap');
    await page.waitForSelector('#search-results li .result-name');
    const first = await page.locator('#search-results li').first().textContent();
    assert.match(first ?? '', /last_vwap/);
    assert.match(first ?? '', /latest_prices/);
    await shot(page, 'search');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.columns tr.target');
    assert.match(decodeURIComponent(page.url()), /#\/node\/model\.market_data\.latest_prices\?column=last_vwap/);
    assert.equal(await page.locator('tr.target code.col-name').textContent(), 'last_vwap');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("shows a model's columns with types from the database, tests, column lineage and formatted compiled SQL", async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/node/model.market_data.bars_1m');
    await page.waitForSelector('table.columns');
    const rows = await page.$$eval('table.columns tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    const vwap = rows.find((r) => r[0] === 'vwap');
    assert.ok(vwap, 'the vwap column is listed');
    assert.match(vwap[1]!, /DECIMAL\(18,6\)/i, 'type from the catalog');
    assert.match(vwap[3]!, /not_null/);
    assert.match(vwap[4]!, /stg_trades\.notional/);
    assert.match(vwap[4]!, /stg_trades\.quantity/);
    assert.match((await page.locator('.description').textContent()) ?? '', /One-minute OHLCV bars/);
    const sql = (await page.locator('.sql-section pre').textContent()) ?? '';
    assert.match(sql, /group by\s+instrument_id,\s+bar_minute/);
    assert.match(sql, /"staging"\."stg_trades"/);
    assert.ok((await page.locator('.sql-section pre .t-k').count()) > 10, 'keywords are highlighted');
    await page.click('button[data-tab="Template source"]');
    assert.match((await page.locator('.sql-section pre').textContent()) ?? '', /ref\('stg_trades'\)/);
    assert.match((await page.locator('#section-overview').textContent()) ?? '', /Rows\s*\d/);
    await shot(page, 'model-page', true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws the column view of the graph, traced through ephemeral models to the sources', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/graph?col=model.market_data.latest_prices::last_vwap');
    const labels = await graphLabels(page);
    for (const column of ['latest_prices.last_vwap', 'bars_1m.vwap', 'stg_trades.notional', 'stg_trades.quantity']) {
      assert.ok(labels.includes(column), `the column view shows ${column} (it shows ${labels.join(', ')})`);
    }
    assert.ok(labels.some((l) => /^market\.trades\.(price|quantity)$/.test(l)), 'traced down to the source columns');
    await shot(page, 'column-lineage');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("lists the model file's commits and diffs two versions", async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href + '#/node/model.market_data.bars_1m');
    await page.waitForSelector('table.history');
    const messages = await page.$$eval('table.history tbody tr td:last-child', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(messages, ['Note on bar completeness', 'Example project']);
    const diff = (await page.locator('pre.diff .line.add').allTextContents()).join('\n');
    assert.match(diff, /reviewed: bars are complete minutes only/);
    await page.locator('#section-history').scrollIntoViewIfNeeded();
    await shot(page, 'history');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('is served by `strata docs serve` with no console errors', async () => {
    const server: ChildProcess = spawn(process.execPath, [CLI, 'docs', 'serve', '--port', '0'], { cwd: example, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /http:\/\/[^\s]+\//.exec(out);
          if (found) resolve(found[0]);
        });
        server.on('exit', (code) => reject(new Error(`docs serve exited ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`docs serve printed no URL: ${out}`)), 20_000);
      });
      const { page, errors } = await openPage();
      await page.goto(url);
      await ready(page);
      assert.ok((await graphLabels(page)).includes('bars_1m'));
      await page.goto(`${url}#/node/model.market_data.dim_instruments`);
      await page.waitForSelector('table.columns');
      await shot(page, 'served-model-page');
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('never runs script from descriptions (script tags, onerror images, javascript: links)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'strata-docs-xss-'));
    dirs.push(dir);
    const evil = `Looks harmless. <script>window.__xss = 'script'; alert('script')</script> <img src="nope.png" onerror="window.__xss = 'onerror'; alert('onerror')"> [click](javascript:window.__xss='link') <svg onload="window.__xss='svg'"></svg> <iframe src="javascript:alert(1)"></iframe>`;
    const files: Record<string, string> = {
      'strata.yml': 'name: xss_project\ntargets:\n  dev:\n    adapter: duckdb\n    path: target/xss.duckdb\n',
      'models/evil.sql': 'select 1 as id, 2 as payload',
      'models/_evil.yml': `version: 2\nmodels:\n  - name: evil\n    description: ${JSON.stringify(evil)}\n    columns:\n      - name: payload\n        description: ${JSON.stringify(`Column ${evil}`)}\nexposures:\n  - name: evil_dashboard\n    type: dashboard\n    owner: { name: "<img src=x onerror=alert('owner')>" }\n    url: "javascript:alert('url')"\n    description: ${JSON.stringify(evil)}\n    depends_on: [ref('evil')]\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    await cli(['docs', 'generate'], dir);
    const { page, dialogs } = await openPage();
    const index = pathToFileURL(path.join(dir, 'target', 'docs', 'index.html')).href;
    for (const route of ['#/graph', '#/node/model.xss_project.evil', '#/node/exposure.xss_project.evil_dashboard', '#/graph?focus=model.xss_project.evil', '#/project']) {
      await page.goto(index + route);
      await ready(page);
      await page.waitForTimeout(300);
    }
    await page.goto(index + '#/node/model.xss_project.evil');
    await page.waitForSelector('.description');
    await page.keyboard.press('/');
    await page.keyboard.type('harmless');
    await page.waitForSelector('#search-results li');
    await page.waitForTimeout(300);
    await shot(page, 'xss-attempt');
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), undefined, 'no injected script ran');
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('main script, main iframe, main svg[onload], main [onerror], main [onload]').count(), 0);
    assert.equal(await page.locator('main a[href^="javascript"]').count(), 0);
    assert.match((await page.locator('.description').textContent()) ?? '', /Looks harmless\./);
    await page.close();
  });

  it('opens a generated 5,000-model project on its folders and focuses a node', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'strata-docs-5000-'));
    dirs.push(dir);
    writeStrataProject(generateSyntheticProject(5000), dir);
    await cli(['compile', '--no-format'], dir);
    await cli(['docs', 'generate', '--no-compile'], dir);
    const { page, errors } = await openPage();
    const started = Date.now();
    await page.goto(pathToFileURL(path.join(dir, 'target', 'docs', 'index.html')).href);
    await page.waitForSelector('svg.graph-svg g.node.folder');
    const firstRenderMs = Date.now() - started;
    assert.equal(await page.locator('g.node.folder').count(), 50, 'collapsed into its 50 folders');
    await page.keyboard.press('/');
    await page.keyboard.type('m02500');
    await page.waitForSelector('#search-results li');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.columns');
    await page.click('text=Show in graph');
    await page.waitForSelector('g.node.focused');
    const labels = await graphLabels(page);
    assert.ok(labels.includes('m02500'));
    assert.ok(labels.length > 3 && labels.length < 250, `a neighbourhood is drawn, not the whole project (${labels.length} nodes)`);
    await shot(page, 'synthetic-5000-focused');
    assert.deepEqual(errors, []);
    process.stdout.write(`# 5,000-model site: first render of the graph page in ${firstRenderMs} ms\n`);
    await page.close();
  });
});
