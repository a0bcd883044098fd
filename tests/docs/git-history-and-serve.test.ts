import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readGitHistories } from '../../src/docs/git-history.js';
import { serveSite } from '../../src/docs/serve-site.js';
import { removeProject, tempProject } from '../helpers/temp-project.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

describe('git history of model files', () => {
  it('lists the commits of each file newest first, follows a rename, keeps each version and the uncommitted change', async () => {
    const repo = tempProject({ 'project/models/old_name.sql': 'select 1 as a\n', 'project/models/other.sql': 'select 2 as b\n' });
    dirs.push(repo);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    writeFileSync(path.join(repo, 'project/models/old_name.sql'), 'select 1 as a, 2 as b\n');
    git(repo, 'commit', '-q', '-am', 'second');
    renameSync(path.join(repo, 'project/models/old_name.sql'), path.join(repo, 'project/models/orders.sql'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'rename');
    writeFileSync(path.join(repo, 'project/models/orders.sql'), 'select 1 as a, 2 as b, 3 as c\n');

    const histories = await readGitHistories(path.join(repo, 'project'), ['models/orders.sql', 'models/other.sql', 'models/new.sql']);
    assert.ok(histories.ok);
    const orders = histories.files.get('models/orders.sql')!;
    assert.deepEqual(orders.commits.map((c) => [c.subject, c.path]), [
      ['rename', 'models/orders.sql'],
      ['second', 'models/old_name.sql'],
      ['first', 'models/old_name.sql'],
    ]);
    assert.equal(orders.versions[orders.commits[1]!.version!], 'select 1 as a, 2 as b\n');
    assert.equal(orders.versions[orders.commits[2]!.version!], 'select 1 as a\n');
    assert.equal(orders.commits[0]!.version, orders.commits[1]!.version, 'a pure rename keeps the same content');
    assert.equal(orders.versions[orders.uncommitted!], 'select 1 as a, 2 as b, 3 as c\n');
    assert.deepEqual(histories.files.get('models/other.sql')!.commits.map((c) => c.subject), ['first']);
    assert.equal(histories.files.get('models/other.sql')!.uncommitted, undefined);
    assert.deepEqual(histories.files.get('models/new.sql')!.commits, []);
  });

  it('caps the commits kept per file and says so', async () => {
    const repo = tempProject({ 'models/m.sql': 'select 0\n' });
    dirs.push(repo);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'c0');
    for (let i = 1; i <= 4; i += 1) {
      writeFileSync(path.join(repo, 'models/m.sql'), `select ${i}\n`);
      git(repo, 'commit', '-q', '-am', `c${i}`);
    }
    const histories = await readGitHistories(repo, ['models/m.sql'], { maxCommitsPerFile: 3 });
    assert.ok(histories.ok);
    const m = histories.files.get('models/m.sql')!;
    assert.deepEqual(m.commits.map((c) => c.subject), ['c4', 'c3', 'c2']);
    assert.match(m.note ?? '', /only the last 3 commits/);
  });

  it('says the project is not in a git repository instead of failing', async () => {
    const dir = tempProject({ 'models/m.sql': 'select 1\n' });
    dirs.push(dir);
    const histories = await readGitHistories(dir, ['models/m.sql'], {});
    if (!histories.ok) assert.match(histories.reason, /not in a git repository|git is not installed/);
  });
});

describe('docs serve', () => {
  it('serves the site and the reports folder, and nothing outside them', async () => {
    const root = tempProject({ 'target/docs/index.html': '<!doctype html><p>site</p>', 'target/docs/data/index.js': 'x', 'target/reports/run.html': 'report', 'target/manifest.json': '{"secret":1}' });
    dirs.push(root);
    mkdirSync(path.join(root, 'target', 'docs', 'empty'), { recursive: true });
    const server = await serveSite({ siteDir: path.join(root, 'target/docs'), mounts: { '/reports/': path.join(root, 'target/reports') }, port: 0 });
    try {
      const get = async (p: string): Promise<[number, string, string | null]> => {
        const response = await fetch(new URL(p, server.url));
        return [response.status, await response.text(), response.headers.get('content-type')];
      };
      assert.deepEqual((await get('/')).slice(0, 2), [200, '<!doctype html><p>site</p>']);
      assert.match((await get('/data/index.js'))[2] ?? '', /text\/javascript/);
      assert.equal((await get('/reports/run.html'))[1], 'report');
      assert.equal((await get('/../manifest.json'))[0], 404);
      assert.equal((await get('/%2e%2e/manifest.json'))[0], 404);
      assert.equal((await get('/reports/..%2f..%2fmanifest.json'))[0], 404);
      assert.equal((await get('/empty/'))[0], 404);
      assert.equal((await fetch(new URL('/', server.url), { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });
});
