import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { eachEngine } from '../helpers/engines.js';
import { startCli } from '../helpers/spawn-cli.js';
import { UTC_SESSIONS } from '../helpers/utc-sessions.js';
import { loaderYaml, loadOk, logEntries, raw, sourcesYaml, textRows } from './load-helpers.js';

// A load killed with SIGKILL at any moment leaves each file fully loaded and logged or absent;
// the next load loads every file exactly once.

eachEngine('a load killed mid-way leaves whole files only, and the next load completes exactly once', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: ticks\n        landing: landing/ticks/*.csv.gz\n`),
  });
  const files = 4;
  mkdirSync(path.join(project.dir, 'landing/ticks'), { recursive: true });
  const rowsPerFile = 150_000;
  for (let f = 0; f < files; f++) {
    const lines = ['id,file,price,side'];
    for (let i = 0; i < rowsPerFile; i++) lines.push(`${f * rowsPerFile + i},${f},${(100 + (i % 997) / 100).toFixed(2)},${i % 2 ? 'B' : 'S'}`);
    writeFileSync(path.join(project.dir, `landing/ticks/part${f}.csv.gz`), gzipSync(`${lines.join('\n')}\n`, { level: 1 }));
  }
  for (const delayMs of [150, 700]) {
    const running = startCli(['load'], project.dir, UTC_SESSIONS);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running.child.kill('SIGKILL');
    await running.done;
    // Whatever was committed is whole.
    const partial = await textRows(project, `select _load_id, count(*) as n from ${raw(project, 'ticks')} group by _load_id`).catch(() => []);
    for (const row of partial) assert.equal(row.n, String(rowsPerFile));
  }
  await loadOk(project);
  await loadOk(project);
  const perFile = await textRows(project, `select _source_file, count(*) as n, count(distinct id) as ids from ${raw(project, 'ticks')} group by _source_file order by _source_file`);
  assert.deepEqual(
    perFile,
    Array.from({ length: files }, (_, f) => ({ _source_file: `landing/ticks/part${f}.csv.gz`, n: String(rowsPerFile), ids: String(rowsPerFile) })),
  );
  const loaded = (await logEntries(project)).filter((e) => e.status === 'loaded');
  assert.equal(loaded.length, files);
});
