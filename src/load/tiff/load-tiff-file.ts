import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { LogicalType } from '../../adapters/contract.js';
import type { Relation } from '../../manifest/types.js';
import { commitFile, openJob, type FileJob, type FileLoadResult, type LoadEnv } from '../file-job.js';
import { lineageConstants, SOURCE_ROW } from '../lineage-columns.js';
import { LoadFileError } from '../load-file-error.js';
import { csvStream } from '../normalized-csv.js';
import { sameType, typeLabel } from '../parse-type-name.js';
import { prepareRawTable, rawColumns } from '../raw-table.js';
import { openTiff, TIFF_METADATA_COLUMNS } from './read-tiff.js';

/** The table beside a TIFF source's pixel table that holds one metadata row per file. */
export function tiffMetadataRelation(pixels: Relation): Relation {
  return { schema: pixels.schema, identifier: `${pixels.identifier}_metadata` };
}

/** Which stored value types can take which incoming ones without loss. */
const WIDER: Readonly<Record<string, readonly string[]>> = { bigint: ['integer'], double: ['integer', 'bigint'] };

/**
 * Loads a TIFF: one metadata row into `<table>_metadata` and every pixel value, in long form
 * (`band`, `x`, `y`, `value`), into `<table>`, both with lineage, in one transaction. A gzip-
 * compressed TIFF is inflated to a temporary file first (with the same bomb check).
 */
export async function loadTiffFile(job: FileJob, env: LoadEnv): Promise<FileLoadResult> {
  let temp: string | undefined;
  let file = job.file.path;
  if (job.file.gzip) {
    temp = await mkdtemp(path.join(os.tmpdir(), 'strata-tiff-'));
    file = path.join(temp, 'image.tif');
    await pipeline(openJob(job, env, false), createWriteStream(file));
  } else if (job.file.size === 0) {
    throw new LoadFileError('the file is empty', {}, 'shape');
  }
  try {
    const tiff = await openTiff(file, job.spec.limits.maxPixels);
    const pixelsRelation = job.spec.relation;
    const metaRelation = tiffMetadataRelation(pixelsRelation);
    const existing = await rawColumns(env.adapter, env.connection, pixelsRelation);
    const stored = existing?.find((c) => c.name === 'value')?.type;
    let valueType: LogicalType = tiff.valueType;
    if (stored) {
      if (!sameType(stored, valueType) && !WIDER[typeLabel(stored)]?.includes(typeLabel(valueType))) {
        throw new LoadFileError(`column 'value' changed: the file's samples are ${tiff.metadata.sampleType} (${typeLabel(valueType)}), but ${pixelsRelation.schema}.${pixelsRelation.identifier} stores ${typeLabel(stored)} from earlier loads`, { column: 'value' }, 'conversion');
      }
      valueType = stored;
    }
    const pixelColumns: { name: string; type: LogicalType }[] = [
      { name: 'band', type: 'integer' },
      { name: 'x', type: 'integer' },
      { name: 'y', type: 'integer' },
      { name: 'value', type: valueType },
    ];
    const metaExists = (await rawColumns(env.adapter, env.connection, metaRelation)) !== undefined;
    return await commitFile(env, job, [], async (stamp) => {
      const d = env.adapter.dialect;
      for (const sql of prepareRawTable(d, pixelsRelation, existing !== undefined, existing ? [] : pixelColumns)) await env.connection.execute(sql);
      for (const sql of prepareRawTable(d, metaRelation, metaExists, metaExists ? [] : TIFF_METADATA_COLUMNS)) await env.connection.execute(sql);
      const constants = lineageConstants(stamp);
      const meta = tiff.metadata;
      await env.adapter.rawAppender.appendCsv(env.connection, {
        target: metaRelation,
        input: {
          kind: 'stream',
          open: () =>
            csvStream(
              [...TIFF_METADATA_COLUMNS.map((c) => c.name), SOURCE_ROW],
              async function* () {
                yield [...TIFF_METADATA_COLUMNS.map((c) => (meta[c.of] === null ? null : String(meta[c.of]))), '0'];
              },
            ),
        },
        delimiter: ',',
        columns: [...TIFF_METADATA_COLUMNS.map(({ name, type }) => ({ name, type })), { name: SOURCE_ROW, type: 'bigint' }],
        constants,
        maxLineBytes: 1 << 20,
        createdInTransaction: !metaExists,
      });
      const rows = await env.adapter.rawAppender.appendCsv(env.connection, {
        target: pixelsRelation,
        input: {
          kind: 'stream',
          open: () =>
            csvStream(
              pixelColumns.map((c) => c.name),
              async function* () {
                for await (const [band, x, y, value] of tiff.pixels()) yield [String(band), String(x), String(y), Number.isNaN(value) ? null : String(value)];
              },
            ),
        },
        delimiter: ',',
        columns: pixelColumns,
        constants,
        rowNumberColumn: SOURCE_ROW,
        maxLineBytes: 1 << 20,
        createdInTransaction: existing === undefined,
      });
      return { rows, rejected: 0 };
    });
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
