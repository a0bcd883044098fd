/** The task of a formatting worker thread (see write-compiled.ts and shared/share-work.ts). */
import type { WorkerTask } from '../shared/share-work.js';
import { formatSql, type FormatTaskSetup } from './format-sql.js';

const formatTask: WorkerTask<FormatTaskSetup, string, string> = (setup) => (sql) => formatSql(sql, setup.language);

export default formatTask;
