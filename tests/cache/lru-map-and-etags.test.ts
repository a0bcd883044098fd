import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../../src/adapters/contract.js';
import { LruMap } from '../../src/query-cache/lru-map.js';
import { AnswerBytes, matchesIfNoneMatch } from '../../src/serve/answer-bytes.js';

describe('LruMap: the memo of request texts', () => {
  it('drops the least recently used entry past its capacity', () => {
    const memo = new LruMap<string, number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    assert.equal(memo.get('a'), 1, 'reading a makes b the least recently used');
    memo.set('c', 3);
    assert.equal(memo.size, 2);
    assert.equal(memo.get('b'), undefined);
    assert.equal(memo.get('a'), 1);
    assert.equal(memo.get('c'), 3);
  });

  it('replaces a value without growing', () => {
    const memo = new LruMap<string, number>(2);
    memo.set('a', 1);
    memo.set('a', 2);
    assert.equal(memo.size, 1);
    assert.equal(memo.get('a'), 2);
  });
});

describe('answer bytes and their ETag', () => {
  const result = (rows: Row[]) => ({ columns: [{ name: 'n', type: 'BIGINT' }], rows });

  it('serializes a result once, and equal rows get equal tags', () => {
    const bytes = new AnswerBytes(10);
    const first = result([{ n: '1' }]);
    assert.equal(bytes.of(first), bytes.of(first), 'the same result object reuses its bytes');
    assert.equal(bytes.of(result([{ n: '1' }])).etag, bytes.of(first).etag);
    assert.notEqual(bytes.of(result([{ n: '2' }])).etag, bytes.of(first).etag);
    assert.deepEqual(JSON.parse(`${bytes.of(first).head.toString()}}`), { columns: first.columns, rows: [{ n: '1' }], rowCount: 1, truncated: false });
  });

  it('keeps at most maxRows rows and says so', () => {
    const head = new AnswerBytes(1).of(result([{ n: '1' }, { n: '2' }])).head.toString();
    assert.deepEqual(JSON.parse(`${head}}`), { columns: [{ name: 'n', type: 'BIGINT' }], rows: [{ n: '1' }], rowCount: 2, truncated: true });
  });

  it('matches If-None-Match weakly, in lists, and *', () => {
    const etag = 'W/"abc"';
    assert.equal(matchesIfNoneMatch(undefined, etag), false);
    assert.equal(matchesIfNoneMatch('W/"abc"', etag), true);
    assert.equal(matchesIfNoneMatch('"abc"', etag), true);
    assert.equal(matchesIfNoneMatch('"x", W/"abc"', etag), true);
    assert.equal(matchesIfNoneMatch('"abcd"', etag), false);
    assert.equal(matchesIfNoneMatch('*', etag), true);
  });
});
