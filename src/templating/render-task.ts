/** The task of a render worker thread (see TemplateEngine.prerender and shared/share-work.ts). */
import { dialectNamed } from '../adapters/create-adapter.js';
import type { WorkerTask } from '../shared/share-work.js';
import type { CacheEntry } from './template-cache.js';
import { TemplateEngine, type RenderJob, type RenderTaskSetup } from './template-engine.js';

const renderTask: WorkerTask<RenderTaskSetup, RenderJob, CacheEntry> = (setup) => {
  const engine = new TemplateEngine({ ...setup, dialect: setup.dialect && dialectNamed(setup.dialect) });
  return (job) => engine.renderCacheEntry(job);
};

export default renderTask;
