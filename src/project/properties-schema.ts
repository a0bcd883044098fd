import { z } from 'zod';
import { namedQuerySchema } from '../config/named-query.js';
import { modelConfigSchema, seedConfigSchema } from '../config/model-config.js';
import { snapshotConfigSchema } from '../config/snapshot-config.js';

/** A test declaration as dbt writes it: a name, or `{name: {args}}`; interpreted by the tests stage. */
const testEntry = z.union([z.string(), z.record(z.string(), z.unknown())]);
const tests = z.array(testEntry).optional();

const column = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  data_type: z.string().optional(),
  tags: z.array(z.string()).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tests,
  data_tests: tests,
  quote: z.boolean().optional(),
});
export type ColumnProperties = z.infer<typeof column>;

const modelProperties = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  config: modelConfigSchema.optional(),
  columns: z.array(column).optional(),
  tests,
  data_tests: tests,
  meta: z.record(z.string(), z.unknown()).optional(),
  docs: z.strictObject({ show: z.boolean().optional() }).optional(),
});
export type ModelProperties = z.infer<typeof modelProperties>;

const seedProperties = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  config: seedConfigSchema.optional(),
  columns: z.array(column).optional(),
  tests,
  data_tests: tests,
});
export type SeedProperties = z.infer<typeof seedProperties>;

/** Properties of a snapshot (a `{% snapshot %}` block). */
const snapshotProperties = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  config: snapshotConfigSchema.optional(),
  columns: z.array(column).optional(),
  tests,
  data_tests: tests,
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type SnapshotProperties = z.infer<typeof snapshotProperties>;

const duration = z.strictObject({ count: z.number().int().positive(), period: z.enum(['minute', 'hour', 'day']) });
const freshness = z
  .strictObject({ warn_after: duration.optional(), error_after: duration.optional(), filter: z.string().optional() })
  .nullable();

/** A regular expression that compiles. */
const pattern = z.string().min(1).refine((text) => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}, 'a valid regular expression');

/**
 * The logical load date of a landing file, read from its path: a regular expression whose first
 * capture group (or group named `date`) is the date, in ISO form unless `format` spells it with
 * `YYYY`, `MM`, `DD`, `HH`, `mm`, `ss` (e.g. `YYYYMMDD`).
 */
const loadDate = z.union([pattern, z.strictObject({ pattern, format: z.string().regex(/YYYY/, 'a format containing YYYY, e.g. YYYYMMDD').optional() })]);

const sourceTable = z.strictObject({
  name: z.string().min(1),
  identifier: z.string().optional(),
  description: z.string().optional(),
  columns: z.array(column).optional(),
  tests,
  data_tests: tests,
  tags: z.array(z.string()).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  freshness: freshness.optional(),
  loaded_at_field: z.string().optional(),
  /** Landing-zone settings, read by the loader (src/load/). */
  landing: z.string().min(1).optional(),
  format: z.enum(['csv', 'json', 'tiff']).optional(),
  load: z.enum(['snapshot', 'delta']).optional(),
  load_date: loadDate.optional(),
  on_error: z.enum(['fail', 'continue']).optional(),
  /** CSV field delimiter (default `,`). */
  delimiter: z.string().length(1).optional(),
  /** Per-table overrides of strata.yml's `load:` limits. */
  max_line_bytes: z.number().int().positive().optional(),
  max_inflate_ratio: z.number().positive().optional(),
  max_pixels: z.number().int().positive().optional(),
});
export type SourceTableProperties = z.infer<typeof sourceTable>;

const source = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  schema: z.string().optional(),
  database: z.string().optional(),
  tags: z.array(z.string()).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  freshness: freshness.optional(),
  loaded_at_field: z.string().optional(),
  /** Default `on_error` of the source's tables. */
  on_error: z.enum(['fail', 'continue']).optional(),
  tables: z.array(sourceTable).default([]),
});
export type SourceProperties = z.infer<typeof source>;

const exposure = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['dashboard', 'notebook', 'analysis', 'ml', 'application']).default('application'),
  label: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  maturity: z.enum(['low', 'medium', 'high']).optional(),
  owner: z.strictObject({ name: z.string().optional(), email: z.string().optional() }).optional(),
  /** Higher runs first when the scheduler must choose; `high`/`medium`/`low` or a number. */
  priority: z.union([z.enum(['low', 'medium', 'high', 'critical']), z.number()]).optional(),
  tags: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).default([]),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type ExposureProperties = z.infer<typeof exposure>;

const fixtureRows = z.union([z.array(z.record(z.string(), z.unknown())), z.string()]);

/** A unit test: given rows for a model's inputs, the rows its SQL must produce (dbt's `unit_tests:`). */
const unitTest = z.strictObject({
  name: z.string().min(1),
  model: z.string().min(1),
  description: z.string().optional(),
  given: z
    .array(z.strictObject({ input: z.string().min(1), rows: fixtureRows.default([]), format: z.enum(['dict', 'csv']).default('dict') }))
    .default([]),
  expect: z.strictObject({ rows: fixtureRows.default([]), format: z.enum(['dict', 'csv']).default('dict') }),
  overrides: z
    .strictObject({
      vars: z.record(z.string(), z.unknown()).optional(),
      macros: z.strictObject({ is_incremental: z.boolean().optional() }).optional(),
    })
    .optional(),
  config: z.strictObject({ tags: z.union([z.string(), z.array(z.string())]).optional(), enabled: z.boolean().optional() }).optional(),
});
export type UnitTestProperties = z.infer<typeof unitTest>;

/** A `models/**.yml` properties file. */
export const propertiesFileSchema = z.strictObject({
  version: z.number().optional(),
  models: z.array(modelProperties).optional(),
  seeds: z.array(seedProperties).optional(),
  snapshots: z.array(snapshotProperties).optional(),
  sources: z.array(source).optional(),
  exposures: z.array(exposure).optional(),
  unit_tests: z.array(unitTest).optional(),
  /** Queries `strata serve` answers by name. */
  queries: z.array(namedQuerySchema).optional(),
});
export type PropertiesFile = z.infer<typeof propertiesFileSchema>;
