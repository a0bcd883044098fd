import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivePriorities } from '../../src/graph/effective-priority.js';
import { compileInline } from '../helpers/compile-inline.js';

describe('effective priority', () => {
  it('is the highest priority of the exposures downstream, 0 when none', () => {
    const compiled = compileInline({
      'models/base.sql': 'select 1 as id',
      'models/for_dash.sql': "select * from {{ ref('base') }}",
      'models/for_ml.sql': "select * from {{ ref('base') }}",
      'models/orphan.sql': 'select 2 as id',
      'models/exposures.yml': [
        'exposures:',
        '  - {name: dash, type: dashboard, priority: low, depends_on: ["ref(\'for_dash\')"]}',
        '  - {name: features, type: ml, priority: 10, depends_on: ["ref(\'for_ml\')"]}',
      ].join('\n'),
    });
    const priority = effectivePriorities(compiled.dag);
    const of = (name: string): number => priority.get(`model.test_project.${name}`)!;
    assert.deepEqual([of('base'), of('for_dash'), of('for_ml'), of('orphan')], [10, 1, 10, 0]);
  });
});
