import { z } from 'zod';
import { propertiesFileSchema } from '../project/properties-schema.js';
import { projectConfigSchema, targetSchema } from './project-config.js';

/**
 * JSON Schemas for editors, generated from the same zod schemas that validate the files, so the
 * two never disagree. Written to schemas/ by `npm run schemas`; a test keeps them current.
 */
export function jsonSchemas(): Record<string, unknown> {
  const project = z.toJSONSchema(projectConfigSchema.extend({ targets: z.record(z.string(), targetSchema) }), { io: 'input', unrepresentable: 'any' });
  const properties = z.toJSONSchema(propertiesFileSchema, { io: 'input', unrepresentable: 'any' });
  return {
    'strata.schema.json': { ...project, title: 'strata.yml' },
    'models.schema.json': { ...properties, title: 'Strata models YAML (models/**/*.yml)' },
  };
}
