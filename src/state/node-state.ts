/** What Strata remembers of a model or seed after its last successful build (table `node_state` of the metadata schema). */
export interface NodeState {
  readonly uniqueId: string;
  /** `nodeChecksum` when it was built: compiled SQL and the config that shapes the relation (a seed: its file and config). */
  readonly checksum: string;
  /** Data version of each input (parent unique id → effective version) it was built from. */
  readonly inputVersions: Readonly<Record<string, string>>;
  readonly builtAt: string;
  readonly runId: string;
  /** This build's data version: changes with every successful materialization. */
  readonly version: string;
}

/** Why a node is rebuilt by `--changed`. */
export type ChangeReason =
  /** Never built (no recorded state). */
  | 'new'
  /** Its compiled SQL or shaping config differs from the last build. */
  | 'modified'
  /** An input received new data (a load, a rebuild) since the last build. */
  | 'new_data'
  /** Its relation is missing from the database. */
  | 'missing'
  /** A node upstream of it is rebuilt. */
  | 'upstream';

/** Data versions starting with this mark are approximate (row counts of external tables, relations without state): never cached on. */
export const APPROXIMATE = '~';
