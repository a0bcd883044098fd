import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemas } from '../src/config/json-schemas.js';

mkdirSync('schemas', { recursive: true });
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(`schemas/${file}`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
