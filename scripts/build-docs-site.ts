/** Builds the documentation site's browser bundle into dist/docs-site (run by `npm run build:ts`). */
import { buildSiteBundle, SITE_BUNDLE_DIR } from '../src/docs/site-bundle.js';

await buildSiteBundle();
process.stdout.write(`docs site bundle written to ${SITE_BUNDLE_DIR}\n`);
