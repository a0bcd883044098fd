import type { SelectorMethod } from '../selector-method.js';
import { configMethod } from './config-method.js';
import { exposureMethod } from './exposure-method.js';
import { fileMethod } from './file-method.js';
import { fqnMethod } from './fqn-method.js';
import { packageMethod } from './package-method.js';
import { pathMethod } from './path-method.js';
import { resourceTypeMethod } from './resource-type-method.js';
import { sourceMethod } from './source-method.js';
import { stateSelectorMethod } from './state-method.js';
import { tagMethod } from './tag-method.js';

/** The methods every registry starts with, in the order error messages list them. */
export const builtinSelectorMethods: readonly SelectorMethod[] = [
  fqnMethod,
  tagMethod,
  pathMethod,
  fileMethod,
  sourceMethod,
  exposureMethod,
  configMethod,
  resourceTypeMethod,
  packageMethod,
  // Without recorded state: commands that read the database register a bound one (src/app/change-detection.ts).
  stateSelectorMethod(),
];
