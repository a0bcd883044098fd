import { z } from 'zod';

const columnMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column name of letters, digits and underscores'), z.string().min(1));

/** The data part of a transformer's default export (its `transform` function aside), as validated. */
export const transformerDeclarationSchema = z.strictObject({
  inputs: z.strictObject({
    refs: z.array(z.string().min(1)).default([]),
    sources: z.array(z.string().regex(/^[^.]+\.[^.]+$/, "a source as 'source_name.table_name'")).default([]),
  }),
  columns: columnMap.refine((c) => Object.keys(c).length > 0, 'declare at least one output column'),
  tables: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a table name of lower-case letters, digits and underscores'), columnMap).default({}),
  config: z.record(z.string(), z.unknown()).default({}),
  description: z.string().optional(),
  timeoutSeconds: z.number().positive().max(86_400).default(300),
  memoryMb: z.number().int().min(16).max(65_536).default(512),
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).default([]),
});
export type TransformerDeclaration = z.infer<typeof transformerDeclarationSchema>;
