import type { Adapter, Connection, ExistingRelation } from '../adapters/contract.js';
import type { RunnableNode } from '../manifest/types.js';

/** What a materialization needs: the adapter, a connection of its own, and the state it found. */
export interface MaterializationContext {
  readonly adapter: Adapter;
  readonly connection: Connection;
  /** The relation as it exists before this run, if it does. */
  readonly existing: ExistingRelation | undefined;
  readonly fullRefresh: boolean;
  /** Absolute project root, for seeds' files. */
  readonly projectRoot: string;
}

/** What a materialization did, for the progress line and run_results.json. */
export interface MaterializationResult {
  /** e.g. `created table`, `created view`, `merged into table`. */
  readonly action: string;
  readonly rows?: number;
}

export type Materializer<N extends RunnableNode = RunnableNode> = (node: N, context: MaterializationContext) => Promise<MaterializationResult>;
