import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { eachEngine } from '../helpers/engines.js';
import { gz, load, loaderYaml, logEntries, raw, sourcesYaml, textRows } from './load-helpers.js';

// Each bad file fails alone, with its path, line and column, and leaves nothing in raw.

const TABLE = `      - name: customers
        landing: landing/*
        format: csv
        columns:
          - name: id
            data_type: integer
          - name: email
`;

eachEngine('bad files fail with their line and leave nothing partial; good files still load', async (project) => {
  const manyRows = ['id,email', ...Array.from({ length: 5000 }, (_, i) => `${i + 1},u${i}@x.com`)];
  project.write({
    'strata.yml': loaderYaml(project, '  max_line_bytes: 1000\n'),
    'models/sources.yml': sourcesYaml(TABLE),
    'landing/a_good.csv': 'id,email\n1,a@x.com\n',
    'landing/b_fields.csv': 'id,email\n1,a@x.com\n2,b@x.com,extra\n',
    'landing/c_type.csv': `${manyRows.join('\n')}\n4999x,late@x.com\n`,
    'landing/d_empty.csv': '',
    'landing/e_lost.csv': 'id,mail\n1,a@x.com\n',
    'landing/f_quote.csv': 'id,email\n1,"a@x.com\n2,b@x.com\n',
    'landing/g_long.csv': `id,email\n1,${'x'.repeat(2000)}\n`,
    'landing/h_header_only.csv': 'id,email\n',
    'landing/i_dup_header.csv': 'id,email,id\n1,a,2\n',
    'landing/j_reserved.csv': 'id,email,_load_id\n1,a,2\n',
  });
  const good = gzipSync(Buffer.from('id,email\n7,g@x.com\n8,h@x.com\n'));
  writeFileSync(path.join(project.dir, 'landing/k_truncated.csv.gz'), good.subarray(0, good.length - 12));
  const corrupt = Buffer.from(gz('id,email\n9,i@x.com\n'));
  corrupt[12] = corrupt[12]! ^ 0xff;
  corrupt[13] = corrupt[13]! ^ 0xff;
  writeFileSync(path.join(project.dir, 'landing/l_corrupt.csv.gz'), corrupt);
  // gzip detected from the content, not the name
  writeFileSync(path.join(project.dir, 'landing/m_gzip_no_suffix.csv'), gz('id,email\n10,j@x.com\n'));

  const result = await load(project);
  assert.equal(result.code, 1, result.out);
  const entries = await logEntries(project);
  const failed = Object.fromEntries(entries.filter((e) => e.status === 'failed').map((e) => [e.path, e.error]));
  assert.deepEqual(failed, {
    'landing/b_fields.csv': 'landing/b_fields.csv:3: expected 2 fields (as in the header), found 3',
    'landing/c_type.csv': "landing/c_type.csv:5002: column 'id': '4999x' does not fit its declared type integer",
    'landing/d_empty.csv': 'landing/d_empty.csv: the file is empty',
    'landing/e_lost.csv': "landing/e_lost.csv:1: declared column 'email' is missing from the file",
    'landing/f_quote.csv': 'landing/f_quote.csv:2: a quoted field opened on line 2 is never closed (is the file truncated?)',
    'landing/g_long.csv': 'landing/g_long.csv:2: the line is longer than 1000 bytes (max_line_bytes)',
    'landing/i_dup_header.csv': "landing/i_dup_header.csv:1: column 'id' appears twice in the header",
    'landing/j_reserved.csv': "landing/j_reserved.csv:1: column '_load_id' uses a name the loader reserves for lineage",
    'landing/k_truncated.csv.gz': 'landing/k_truncated.csv.gz:3: the gzip data is truncated: it ends after 20 bytes inflated',
    'landing/l_corrupt.csv.gz': 'landing/l_corrupt.csv.gz:1: the gzip data is corrupt (incorrect data check) after 0 bytes inflated',
  });
  assert.deepEqual(
    entries.filter((e) => e.status === 'loaded').map((e) => [e.path, e.rows]),
    [['landing/a_good.csv', '1'], ['landing/h_header_only.csv', '0'], ['landing/m_gzip_no_suffix.csv', '1']],
  );
  assert.deepEqual(await textRows(project, `select id, _source_file from ${raw(project, 'customers')} order by id`), [
    { id: '1', _source_file: 'landing/a_good.csv' },
    { id: '10', _source_file: 'landing/m_gzip_no_suffix.csv' },
  ]);
  assert.match(result.out, /Loaded 3 new files \(2 rows\) from 1 source table in [\d.]+s; skipped 0 \(0 duplicate, 0 unchanged\); 10 failed\./);

  // Failed files are tried again on the next run (and fail again), never half-loaded.
  const again = await load(project);
  assert.equal(again.code, 1);
  assert.deepEqual(await textRows(project, `select count(*) as n from ${raw(project, 'customers')}`), [{ n: '2' }]);
});

eachEngine('a decompression bomb and an absurd TIFF are refused in seconds; other files load', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: rows
        landing: landing/rows/*
        format: csv
        max_inflate_ratio: 50
      - name: images
        landing: landing/images/*.tif
        format: tiff
`),
    'landing/rows/ok.csv': 'a,b\n1,2\n',
  });
  mkdirSync(path.join(project.dir, 'landing/images'), { recursive: true });
  // ~400 MiB of valid rows squeezed into ~0.4 MiB: past 64 MiB it exceeds 50x its size.
  const chunk = Buffer.from('1,2\n'.repeat(1 << 20));
  const parts: Buffer[] = [Buffer.from('a,b\n')];
  for (let i = 0; i < 100; i++) parts.push(chunk);
  writeFileSync(path.join(project.dir, 'landing/rows/bomb.csv.gz'), gzipSync(Buffer.concat(parts), { level: 9 }));
  writeFileSync(path.join(project.dir, 'landing/images/huge.tif'), absurdTiff());
  const started = Date.now();
  const result = await load(project);
  assert.ok(Date.now() - started < 45_000, `took ${Date.now() - started} ms`);
  assert.equal(result.code, 1, result.out);
  const failed = (await logEntries(project)).filter((e) => e.status === 'failed').map((e) => e.error);
  assert.equal(failed.length, 2, result.out);
  assert.match(failed[0]!, /^landing\/rows\/bomb\.csv\.gz:\d+: the gzip data inflates to more than 64 MiB from [\d.]+ KiB \(over 50 times its size: a decompression bomb\?\); raise max_inflate_ratio if the file is genuine$/);
  assert.equal(failed[1], 'landing/images/huge.tif: the TIFF declares 1,000,000 × 1,000,000 pixels × 1 band (1,000,000,000,000 values), more than max_pixels 50,000,000');
  assert.deepEqual(await textRows(project, `select a, b from ${raw(project, 'rows')}`), [{ a: '1', b: '2' }]);
});

eachEngine('files outside the landing root are refused, also through symbolic links', async (project) => {
  const outside = path.join(tmpdir(), `strata-outside-${process.pid}-${Date.now()}`);
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'secret.csv'), 'id\n42\n');
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: things\n        landing: landing/things/*.csv\n`),
    'landing/things/ok.csv': 'id\n1\n',
  });
  symlinkSync(path.join(outside, 'secret.csv'), path.join(project.dir, 'landing/things/link.csv'));
  const result = await load(project);
  assert.equal(result.code, 1);
  const failed = (await logEntries(project)).filter((e) => e.status === 'failed').map((e) => e.error);
  assert.equal(failed.length, 1);
  assert.match(failed[0]!, /^landing\/things\/link\.csv: resolves to .*secret\.csv, outside the landing root .*landing\/things: refused$/);
  assert.deepEqual(await textRows(project, `select id from ${raw(project, 'things')}`), [{ id: '1' }]);

  project.write({ 'models/sources.yml': sourcesYaml(`      - name: things\n        landing: ../elsewhere/*.csv\n`) });
  const escape = await load(project);
  assert.equal(escape.code, 2);
  assert.match(escape.out, /landing '\.\.\/elsewhere\/\*\.csv' points outside the project: use a glob under the project or an absolute folder/);
});

/** A little-endian TIFF header whose single IFD declares 1,000,000 × 1,000,000 8-bit pixels (no pixel data). */
function absurdTiff(): Buffer {
  const entries: [number, number, number, number][] = [
    [256, 4, 1, 1_000_000], // ImageWidth (LONG)
    [257, 4, 1, 1_000_000], // ImageLength
    [258, 3, 1, 8], // BitsPerSample
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 1], // Photometric: black is zero
    [273, 4, 1, 0], // StripOffsets
    [277, 3, 1, 1], // SamplesPerPixel
    [278, 4, 1, 1_000_000], // RowsPerStrip
    [279, 4, 1, 0], // StripByteCounts
  ];
  const buffer = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
  buffer.write('II', 0, 'latin1');
  buffer.writeUInt16LE(42, 2);
  buffer.writeUInt32LE(8, 4);
  buffer.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    buffer.writeUInt16LE(tag, at);
    buffer.writeUInt16LE(type, at + 2);
    buffer.writeUInt32LE(count, at + 4);
    if (type === 3) buffer.writeUInt16LE(value, at + 8);
    else buffer.writeUInt32LE(value, at + 8);
  });
  return buffer;
}
