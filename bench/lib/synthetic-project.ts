import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from './seeded-random.js';

/** One generated model, independent of the tool that will compile it. */
export interface SyntheticModel {
  readonly index: number;
  readonly name: string;
  /** Sub-folder of models/ (Strata) or definitions/ (Dataform). */
  readonly folder: string;
  /** Names of the earlier models it refs (none for the root model). */
  readonly parents: readonly string[];
  readonly materialized: 'table' | 'view';
  readonly tags: readonly string[];
  readonly description: string;
  readonly columns: readonly { readonly name: string; readonly description: string }[];
  /** Extra computed columns added to reach the model's target length. */
  readonly padding: number;
  /** Thresholds passed to the bucket_flags macro and multipliers of the inline loop. */
  readonly thresholds: readonly number[];
  readonly multipliers: readonly number[];
}

/** A generated project: models in dependency order (every parent comes before its children). */
export interface SyntheticProject {
  readonly seed: number;
  readonly models: readonly SyntheticModel[];
}

const TAGS = ['finance', 'marketing', 'sales', 'ops', 'daily', 'hourly', 'pii', 'core', 'experimental', 'legacy', 'gold', 'silver'];
const WORDS = [
  'customer', 'order', 'revenue', 'region', 'channel', 'product', 'margin', 'cohort', 'session', 'invoice',
  'account', 'ledger', 'shipment', 'campaign', 'refund', 'balance', 'segment', 'forecast', 'inventory', 'partner',
];
const COLUMN_DOCS: Record<string, string> = {
  id: 'Surrogate key of the row, carried over from the first parent',
  amount: 'Amount summed over the joined parents',
  category: 'Category of the row as delivered by the first parent',
  event_date: 'Calendar date of the underlying event',
  year_part: 'Year of event_date',
  month_part: 'Month of event_date',
  amount_ratio: 'Ratio of the amount of the first parent to the second, null when undefined',
};
const BASE_COLUMNS = ['id', 'amount', 'category', 'event_date'];
const EXTRA_COLUMNS = ['year_part', 'month_part', 'amount_ratio'];

/** Models per sub-folder. */
const FOLDER_SIZE = 100;

/**
 * A deterministic project of `count` models for compile benchmarks: each model after the first refs
 * 1–3 earlier models (70% of refs among the previous 200), has 2–3 tags, a description, 4–6
 * documented columns, CTEs, joins, an inline loop and macro calls, and a target length of 25–60 lines.
 */
export function generateSyntheticProject(count: number, seed = 20260601): SyntheticProject {
  const random = new SeededRandom(seed ^ count);
  const models: SyntheticModel[] = [];
  for (let index = 0; index < count; index += 1) {
    const parents = new Set<number>();
    const wanted = index === 0 ? 0 : Math.min(index, random.int(1, 3));
    while (parents.size < wanted) {
      const near = random.next() < 0.7;
      parents.add(near ? random.int(Math.max(0, index - 200), index - 1) : random.int(0, index - 1));
    }
    const extras = random.sample(EXTRA_COLUMNS, random.int(0, 2));
    const columns = [...BASE_COLUMNS, ...extras].map((name) => ({ name, description: COLUMN_DOCS[name]! }));
    const subject = random.sample(WORDS, 3);
    const targetLines = random.int(25, 60);
    models.push({
      index,
      name: modelName(index),
      folder: `domain_${String(Math.floor(index / FOLDER_SIZE)).padStart(3, '0')}`,
      parents: [...parents].sort((a, b) => a - b).map(modelName),
      materialized: random.next() < 0.8 ? 'table' : 'view',
      tags: random.sample(TAGS, random.int(2, 3)),
      description: `Synthetic ${subject.join(' ')} model number ${index}, joining ${wanted} upstream model(s) for the compile benchmark`,
      columns,
      padding: Math.max(0, targetLines - baseLineCount(Math.max(1, wanted))),
      thresholds: random.sample([5, 10, 50, 100, 500, 1000], 3),
      multipliers: random.sample([2, 3, 4, 5, 7, 10], 3),
    });
  }
  return { seed, models };
}

/** The name of model `index`: m00000, m00001, … */
export function modelName(index: number): string {
  return `m${String(index).padStart(5, '0')}`;
}

/** How a model body spells refs, macro calls and loops in one tool's template language. */
interface Spelling {
  ref(name: string): string;
  macro(name: string, args: readonly (string | readonly number[])[]): string;
  /** Lines computing `joined.amount * n as amount_xN,` for each multiplier. */
  multiplesLoop(multipliers: readonly number[], indent: string): string[];
}

const strataSpelling: Spelling = {
  ref: (name) => `{{ ref('${name}') }}`,
  macro: (name, args) => `{{ ${name}(${args.map((a) => (typeof a === 'string' ? `'${a}'` : `[${a.join(', ')}]`)).join(', ')}) }}`,
  multiplesLoop: (multipliers, indent) => [
    `${indent}{% for n in [${multipliers.join(', ')}] %}`,
    `${indent}joined.amount * {{ n }} as amount_x{{ n }},`,
    `${indent}{% endfor %}`,
  ],
};

const dataformSpelling: Spelling = {
  ref: (name) => `\${ref("${name}")}`,
  macro: (name, args) => `\${macros.${name}(${args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : `[${a.join(', ')}]`)).join(', ')})}`,
  multiplesLoop: (multipliers, indent) => [
    `${indent}\${[${multipliers.join(', ')}].map((n) => "joined.amount * " + n + " as amount_x" + n + ",").join(" ")}`,
  ],
};

/** Lines of a body with `parents` parent CTEs and no padding (with Strata's 3-line loop). */
function baseLineCount(parents: number): number {
  return 25 + 7 * parents;
}

/** The SQL body shared by both tools (everything after Strata's config() call / Dataform's config block). */
function modelBody(model: SyntheticModel, spell: Spelling): string[] {
  const lines: string[] = [`-- ${model.name}: generated by bench/lib/synthetic-project.ts`, ''];
  const ctes = model.parents.length ? model.parents.map((_, i) => `p${i + 1}`) : ['p1'];
  if (model.parents.length === 0) {
    lines.push(
      'with p1 as (',
      '    select * from (values (1, 10.0, \'a\', date \'2024-01-01\'), (2, 20.0, \'b\', date \'2024-01-02\'))',
      '        as t(id, amount, category, event_date)',
      '    where amount is not null',
      '),',
      '',
    );
  } else {
    model.parents.forEach((parent, i) => {
      lines.push(
        `${i === 0 ? 'with ' : ''}p${i + 1} as (`,
        '    select id, amount, category, event_date',
        `    from ${spell.ref(parent)}`,
        '    where amount is not null',
        '),',
        '',
      );
    });
  }
  const amount = ['p1.amount', ...ctes.slice(1).map((c) => `coalesce(${c}.amount, 0)`)].join(' + ');
  const ratioDen = ctes[1] ? `${ctes[1]}.amount` : 'p1.amount + 1';
  lines.push(
    'joined as (',
    '    select',
    '        p1.id,',
    `        ${amount} as amount,`,
    '        p1.category,',
    '        p1.event_date,',
    `        ${spell.macro('safe_ratio', ['p1.amount', ratioDen])} as amount_ratio`,
    '    from p1',
    ...ctes.slice(1).map((c) => `    left join ${c} on p1.id = ${c}.id`),
    '),',
    '',
    'enriched as (',
    '    select',
    '        joined.*,',
    `        ${spell.macro('date_parts', ['joined.event_date'])},`,
    ...spell.multiplesLoop(model.multipliers, '        '),
    ...Array.from({ length: model.padding }, (_, i) => `        joined.amount * ${(1 + (i + 1) / 100).toFixed(2)} as adjusted_amount_${i + 1},`),
    `        ${spell.macro('bucket_flags', ['joined.amount', model.thresholds])}`,
    '    from joined',
    ')',
    '',
    'select id, amount, category, event_date, year_part, month_part, amount_ratio',
    'from enriched',
  );
  return lines;
}

/** A model file in Strata's format: config() call, then the body. */
export function strataModelSql(model: SyntheticModel): string {
  const tags = model.tags.map((t) => `'${t}'`).join(', ');
  return [`{{ config(materialized='${model.materialized}', tags=[${tags}]) }}`, ...modelBody(model, strataSpelling)].join('\n') + '\n';
}

/** A model file in Dataform's SQLX format: config block with descriptions, then the body. */
export function dataformModelSqlx(model: SyntheticModel): string {
  const columns = model.columns.map((c) => `    ${c.name}: ${JSON.stringify(c.description)}`).join(',\n');
  const config = [
    'config {',
    `  type: "${model.materialized}",`,
    `  tags: [${model.tags.map((t) => JSON.stringify(t)).join(', ')}],`,
    `  description: ${JSON.stringify(model.description)},`,
    '  columns: {',
    columns,
    '  }',
    '}',
    '',
  ];
  return [...config, ...modelBody(model, dataformSpelling)].join('\n') + '\n';
}

const STRATA_MACROS: Record<string, string> = {
  'macros/ratios.sql': `{# Division that yields null instead of failing on a zero denominator. #}
{% macro safe_ratio(num, den, scale=4) -%}
round(case when {{ den }} = 0 then null else {{ num }} / {{ den }} end, {{ scale }})
{%- endmacro %}
`,
  'macros/dates.sql': `{# Year and month of a date column, as year_part and month_part. #}
{% macro date_parts(col) -%}
extract(year from {{ col }}) as year_part, extract(month from {{ col }}) as month_part
{%- endmacro %}
`,
  'macros/flags.sql': `{# One 0/1 column per threshold: whether col reaches it. #}
{% macro bucket_flags(col, thresholds) -%}
{% for t in thresholds %}case when {{ col }} >= {{ t }} then 1 else 0 end as flag_ge_{{ t }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}
`,
};

const DATAFORM_MACROS = `// The Strata macros of the compile benchmark, as a Dataform include (available as \`macros\`).
function safe_ratio(num, den, scale = 4) {
  return \`round(case when \${den} = 0 then null else \${num} / \${den} end, \${scale})\`;
}

function date_parts(col) {
  return \`extract(year from \${col}) as year_part, extract(month from \${col}) as month_part\`;
}

function bucket_flags(col, thresholds) {
  return thresholds.map((t) => \`case when \${col} >= \${t} then 1 else 0 end as flag_ge_\${t}\`).join(", ");
}

module.exports = { safe_ratio, date_parts, bucket_flags };
`;

/** Writes `project` as a Strata project in `dir` (emptied first): strata.yml, models/**, macros/. */
export function writeStrataProject(project: SyntheticProject, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'strata.yml'),
    [
      '# Generated by bench/lib/synthetic-project.ts',
      'name: synthetic',
      'version: 0.1.0',
      'target: dev',
      'targets:',
      '  dev:',
      '    adapter: duckdb',
      '    path: target/synthetic.duckdb',
      '    schema: main',
      '    threads: 4',
      'models:',
      '  +materialized: view',
      '',
    ].join('\n'),
  );
  for (const [file, text] of Object.entries(STRATA_MACROS)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  for (const [folder, models] of byFolder(project.models)) {
    const folderDir = path.join(dir, 'models', folder);
    mkdirSync(folderDir, { recursive: true });
    for (const model of models) writeFileSync(path.join(folderDir, `${model.name}.sql`), strataModelSql(model));
    const yaml = ['version: 2', '', 'models:'];
    for (const model of models) {
      yaml.push(`  - name: ${model.name}`, `    description: ${model.description}`, '    columns:');
      for (const column of model.columns) yaml.push(`      - name: ${column.name}`, `        description: ${column.description}`);
    }
    writeFileSync(path.join(folderDir, `_${folder}.yml`), yaml.join('\n') + '\n');
  }
}

/**
 * Writes `project` as a Dataform project in `dir` (emptied first): workflow_settings.yaml without a
 * pinned core version, a package.json, and node_modules/@dataform/core copied from `coreDir`, so that
 * `dataform compile` uses the installed core instead of running `npm i` into a temporary copy.
 */
export function writeDataformProject(project: SyntheticProject, dir: string, coreDir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'includes'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', '@dataform'), { recursive: true });
  // A copy, not a link: Dataform's sandbox (vm2) refuses modules whose real path is outside the project.
  cpSync(coreDir, path.join(dir, 'node_modules', '@dataform', 'core'), { recursive: true, dereference: true });
  writeFileSync(
    path.join(dir, 'workflow_settings.yaml'),
    ['defaultProject: synthetic', 'defaultLocation: US', 'defaultDataset: main', 'defaultAssertionDataset: main_assertions', ''].join('\n'),
  );
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'synthetic', private: true, dependencies: { '@dataform/core': '*' } }, null, 2) + '\n');
  writeFileSync(path.join(dir, 'includes', 'macros.js'), DATAFORM_MACROS);
  for (const [folder, models] of byFolder(project.models)) {
    const folderDir = path.join(dir, 'definitions', folder);
    mkdirSync(folderDir, { recursive: true });
    for (const model of models) writeFileSync(path.join(folderDir, `${model.name}.sqlx`), dataformModelSqlx(model));
  }
}

function byFolder(models: readonly SyntheticModel[]): Map<string, SyntheticModel[]> {
  const folders = new Map<string, SyntheticModel[]>();
  for (const model of models) {
    const list = folders.get(model.folder) ?? [];
    list.push(model);
    folders.set(model.folder, list);
  }
  return folders;
}
