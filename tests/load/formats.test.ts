import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eachEngine } from '../helpers/engines.js';
import { load, loaderYaml, loadOk, logEntries, raw, rejects, sourcesYaml, textRows } from './load-helpers.js';

// JSON (array and newline-delimited), TIFF rasters and `on_error: continue`, with lineage.

const REPO = fileURLToPath(new URL('../../', import.meta.url));

eachEngine('JSON arrays and NDJSON load with lineage; big numbers and nested values are kept', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: events
        landing: landing/events/*
        format: json
        columns:
          - name: id
            data_type: bigint
`),
    'landing/events/a.json': '[\n  {"id": 1, "big": 123456789012345678901234567890, "amount": 1.50, "ok": true, "at": "2024-01-02T10:00:00Z", "tags": ["x", "y"], "name": "Ann"},\n  {"id": 2, "big": 5, "amount": 2, "ok": false, "at": "2024-01-02T11:00:00+02:00", "tags": {"k": 1}, "name": null}\n]\n',
    'landing/events/b.ndjson': '{"id": 3, "big": 7, "amount": 3.25, "ok": true, "at": "2024-01-03T00:00:00Z", "tags": [], "name": "Bo", "extra": "new"}\n\n{"id": 4}\n',
  });
  await loadOk(project);
  const types = await project.columnTypes(project.customSchema('raw'), 'events');
  assert.deepEqual(
    Object.fromEntries(Object.entries(types).filter(([k]) => !k.startsWith('_'))),
    { id: 'bigint', big: 'decimal(30,0)', amount: 'decimal(18,2)', ok: 'boolean', at: 'timestamptz', tags: 'json', name: 'text', extra: 'text' },
  );
  const rows = await textRows(project, `select id, big, amount, name, extra, _source_file, _source_row from ${raw(project, 'events')} order by id`);
  assert.deepEqual(rows, [
    { id: '1', big: '123456789012345678901234567890', amount: '1.50', name: 'Ann', extra: null, _source_file: 'landing/events/a.json', _source_row: '1' },
    { id: '2', big: '5', amount: '2.00', name: null, extra: null, _source_file: 'landing/events/a.json', _source_row: '2' },
    { id: '3', big: '7', amount: '3.25', name: 'Bo', extra: 'new', _source_file: 'landing/events/b.ndjson', _source_row: '1' },
    { id: '4', big: null, amount: null, name: null, extra: null, _source_file: 'landing/events/b.ndjson', _source_row: '2' },
  ]);
  const tags = await textRows(project, `select cast(tags as text) as tags from ${raw(project, 'events')} where id = 2`);
  assert.match(tags[0]!.tags!, /^\{"k": ?1\}$/);

  project.write({ 'landing/events/c.json': '[{"id": 5}, {"id": "five"}]', 'landing/events/d.json': '[{"id": 6},\n {"id": 7,]' });
  const bad = await load(project);
  assert.equal(bad.code, 1);
  const errors = (await logEntries(project)).filter((e) => e.status === 'failed').map((e) => e.error);
  assert.deepEqual(errors, [
    "landing/events/c.json:1: column 'id': 'five' does not fit its declared type bigint",
    "landing/events/d.json:2: record 2 is not valid JSON: expected a property name at offset 9",
  ]);
});

eachEngine('TIFF rasters: a metadata row and pixels in long form, single- and multi-band', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: elevation
        landing: landing/rasters/elevation_*.tif
        load_date: 'elevation_(\\d{4}-\\d{2}-\\d{2})'
      - name: land_cover
        landing: landing/rasters/land_cover_*.tif
`),
  });
  mkdirSync(path.join(project.dir, 'landing/rasters'), { recursive: true });
  for (const name of ['elevation_2024-01-02.tif', 'land_cover_2024-01-02.tif']) {
    copyFileSync(path.join(REPO, 'landing/rasters', name), path.join(project.dir, 'landing/rasters', name));
  }
  const out = await loadOk(project);
  assert.match(out, /NEW crm\.elevation landing\/rasters\/elevation_2024-01-02\.tif \.+ \[LOADED 48 rows/);
  assert.match(out, /NEW crm\.land_cover landing\/rasters\/land_cover_2024-01-02\.tif \.+ \[LOADED 36 rows/);
  const meta = await textRows(project, `select width, height, bands, sample_type, origin_x, origin_y, pixel_width, pixel_height, epsg, _source_file, _load_date from ${raw(project, 'elevation_metadata')}`);
  assert.deepEqual(meta, [
    { width: '8', height: '6', bands: '1', sample_type: 'uint16', origin_x: '2.35', origin_y: '48.86', pixel_width: '0.01', pixel_height: '-0.01', epsg: '4326', _source_file: 'landing/rasters/elevation_2024-01-02.tif', _load_date: '2024-01-02 00:00:00+00' },
  ]);
  const corner = await textRows(project, `select band, x, y, value, _source_row from ${raw(project, 'elevation')} where (x = 0 and y = 0) or (x = 7 and y = 5) order by y`);
  assert.deepEqual(corner, [
    { band: '1', x: '0', y: '0', value: '100', _source_row: '1' },
    { band: '1', x: '7', y: '5', value: '207', _source_row: '48' },
  ]);
  const rgb = await textRows(project, `select band, value from ${raw(project, 'land_cover')} where x = 1 and y = 2 order by band`);
  assert.deepEqual(rgb, [
    { band: '1', value: '25' },
    { band: '2', value: '90' },
    { band: '3', value: '155' },
  ]);
  assert.deepEqual(await textRows(project, `select bands, sample_type from ${raw(project, 'land_cover_metadata')}`), [{ bands: '3', sample_type: 'uint8' }]);
  assert.match(await loadOk(project), /UNCHANGED since load 1/);
});

eachEngine('on_error: continue loads the good rows and records each rejected row', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: orders
        landing: landing/orders/*.csv
        on_error: continue
        columns:
          - name: id
            data_type: integer
          - name: amount
            data_type: decimal(10,2)
`),
    'landing/orders/o.csv': 'id,amount,note\n1,10.50,ok\n2,abc,bad amount\n3,7\nx,1,bad id\n5,"",empty amount\n6,99999999999.5,too wide\n',
  });
  const out = await loadOk(project);
  assert.match(out, /LOADED 2 rows, 4 rejected/);
  assert.deepEqual(await textRows(project, `select id, amount, note, _source_row from ${raw(project, 'orders')} order by id`), [
    { id: '1', amount: '10.50', note: 'ok', _source_row: '1' },
    { id: '5', amount: null, note: 'empty amount', _source_row: '5' },
  ]);
  assert.deepEqual(await textRows(project, `select line, source_row, column_name, reason, raw_text, path, source from ${rejects(project)} order by line`), [
    { line: '3', source_row: '2', column_name: 'amount', reason: "'abc' does not fit decimal(10,2)", raw_text: '2,abc,bad amount', path: 'landing/orders/o.csv', source: 'crm.orders' },
    { line: '4', source_row: '3', column_name: null, reason: 'expected 3 fields (as in the header), found 2', raw_text: '3,7', path: 'landing/orders/o.csv', source: 'crm.orders' },
    { line: '5', source_row: '4', column_name: 'id', reason: "'x' does not fit integer", raw_text: 'x,1,bad id', path: 'landing/orders/o.csv', source: 'crm.orders' },
    { line: '7', source_row: '6', column_name: 'amount', reason: "'99999999999.5' does not fit decimal(10,2)", raw_text: '6,99999999999.5,too wide', path: 'landing/orders/o.csv', source: 'crm.orders' },
  ]);
  assert.deepEqual(await textRows(project, `select status, rows, rejected_rows from ${project.engine.dialect.relation({ schema: project.customSchema('meta'), identifier: 'load_log' })}`), [
    { status: 'loaded', rows: '2', rejected_rows: '4' },
  ]);
});
