import { z } from 'zod';

/** Types a named query's parameter may have; each value is checked, then rendered as a SQL literal. */
export const PARAM_TYPES = ['text', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const param = z.strictObject({
  type: z.enum(PARAM_TYPES).default('text'),
  description: z.string().optional(),
  /** Used when the request does not give the parameter; without one the parameter is required. */
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

/**
 * A query `strata serve` answers by name (`GET /queries/<name>?param=value`), declared under
 * `queries:` in strata.yml or a models YAML file. Its SQL is templated like a model
 * (`{{ ref('x') }}`); each parameter is available as `{{ var('<param>') }}`, already a SQL literal.
 */
export const namedQuerySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a name of letters, digits, underscores and dashes'),
  description: z.string().optional(),
  sql: z.string().min(1),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a parameter name of letters, digits and underscores'), param).default({}),
});
export type NamedQueryProperties = z.infer<typeof namedQuerySchema>;

/** `serve:` in strata.yml: where `strata serve` listens and how much it answers. */
export const serveConfigSchema = z
  .strictObject({
    /** Loopback by default: anyone who can reach the port can read what the target holds. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8181),
    /** Rows returned at most per answer (more are cut, and the answer says so). */
    max_rows: z.number().int().positive().default(10_000),
    /** Seconds a query may run before the request is answered 504. */
    timeout_seconds: z.number().positive().default(30),
  })
  .prefault({});
