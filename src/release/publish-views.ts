import type { Adapter, ColumnDescription, Connection, DependentView, ExistingRelation, Grants } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';

/** One public view to point at a physical relation. */
export interface PublicView {
  readonly relation: Relation;
  readonly physical: Relation;
  readonly grants: Grants;
}

export interface PublishInput {
  readonly views: readonly PublicView[];
  /** Public views of the release being replaced whose models the new release no longer has. */
  readonly remove: readonly Relation[];
  /** Comment every view carries, e.g. `strata release 1.2.0-3f2a9c1-8b0d2e77`. */
  readonly comment: string;
  /** Work done in the same transaction once the views are in place (recording the promotion). */
  readonly alsoInTransaction: (connection: Connection) => Promise<void>;
  /** How long to keep retrying while readers hold the views (default 60 s). */
  readonly patienceMs?: number;
}

/** How a view is put in place: replaced in one statement, or dropped and created (with what reads it). */
type Step =
  | { readonly kind: 'create'; readonly view: PublicView }
  | { readonly kind: 'replace'; readonly view: PublicView }
  | { readonly kind: 'recreate'; readonly view: PublicView; readonly existing: ExistingRelation; readonly dependents: readonly DependentView[] };

/**
 * Points every public view at its physical relation in ONE transaction, each with a comment naming
 * the release, so readers see the old release or the new one, never an error or a mix. Where DDL
 * waits for readers, the transaction first takes every lock at once or not at all and is retried
 * until it can, so readers never wait for it long and are never chosen as a deadlock victim.
 */
export async function publishViews(adapter: Adapter, input: PublishInput): Promise<void> {
  const d = adapter.dialect;
  await adapter.withConnection(async (connection) => {
    const schemas = [...new Set(input.views.map((v) => v.relation.schema))];
    for (const schema of schemas) await connection.execute(d.createSchema(schema));
    const steps = await planSteps(adapter, connection, input.views);
    const removable = new Set((await adapter.listRelations(connection, [...new Set(input.remove.map((r) => r.schema))])).map((r) => `${r.schema}\u0000${r.identifier}\u0000${r.kind}`));
    const remove = input.remove.filter((r) => removable.has(`${r.schema}\u0000${r.identifier}\u0000view`));
    const locked = [
      ...steps.flatMap((step) => (step.kind === 'create' ? [] : [step.view.relation])),
      ...steps.flatMap((step) => (step.kind === 'recreate' ? step.dependents.map((v) => v.relation) : [])),
      ...remove,
    ];
    const started = Date.now();
    for (;;) {
      try {
        await connection.transaction(async () => {
          for (const statement of d.lockForSwap(locked)) await connection.execute(statement);
          for (const step of steps) await applyStep(adapter, connection, step, input.comment);
          for (const relation of remove) await connection.execute(d.drop(relation, 'view'));
          await input.alsoInTransaction(connection);
        });
        return;
      } catch (error) {
        if (!d.isLockBusy(error)) throw error;
        if (Date.now() - started > (input.patienceMs ?? 60_000)) {
          throw new StrataError('busy', `readers kept the public views busy for ${Math.round((Date.now() - started) / 1000)}s; nothing was changed: try again`, {}, 'runtime');
        }
        // Readers hold the views: try again in a moment, at a random time so as not to follow their rhythm.
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 20));
      }
    }
  });
}

async function planSteps(adapter: Adapter, connection: Connection, views: readonly PublicView[]): Promise<Step[]> {
  const existing = new Map(
    (await adapter.listRelations(connection, [...new Set(views.map((v) => v.relation.schema))])).map((r) => [`${r.schema}\u0000${r.identifier}`, r]),
  );
  const steps: Step[] = [];
  for (const view of views) {
    const found = existing.get(`${view.relation.schema}\u0000${view.relation.identifier}`);
    if (!found) {
      steps.push({ kind: 'create', view });
      continue;
    }
    // Where views bind to what they read, CREATE OR REPLACE VIEW may only add columns at the end.
    const keepsColumns =
      found.kind === 'view' &&
      (!adapter.dialect.capabilities.viewsBindToRelations ||
        extendsColumns(await adapter.listColumns(connection, found), await adapter.listColumns(connection, view.physical)));
    steps.push(keepsColumns ? { kind: 'replace', view } : { kind: 'recreate', view, existing: found, dependents: await adapter.dependentViews(connection, found) });
  }
  return steps;
}

async function applyStep(adapter: Adapter, connection: Connection, step: Step, comment: string): Promise<void> {
  const d = adapter.dialect;
  const { relation, physical, grants } = step.view;
  const select = `select * from ${d.relation(physical)}`;
  if (step.kind === 'replace') {
    await connection.execute(d.createOrReplaceView(relation, select));
  } else if (step.kind === 'create') {
    await connection.execute(d.createView(relation, select));
  } else {
    for (const dependent of [...step.dependents].reverse()) await connection.execute(d.drop(dependent.relation, 'view'));
    await connection.execute(d.drop(step.existing, step.existing.kind));
    await connection.execute(d.createView(relation, select));
    for (const dependent of step.dependents) {
      await connection.execute(d.createView(dependent.relation, dependent.selectSql));
      await adapter.applyGrants(connection, dependent.relation, 'view', dependent.grants);
    }
  }
  await adapter.applyGrants(connection, relation, 'view', grants);
  await connection.execute(d.commentOnView(relation, comment));
}

/** Whether `next` starts with exactly the columns of `previous` (names and types, in order). */
function extendsColumns(previous: readonly ColumnDescription[], next: readonly ColumnDescription[]): boolean {
  return previous.length <= next.length && previous.every((c, i) => c.name === next[i]?.name && c.type === next[i]?.type);
}
