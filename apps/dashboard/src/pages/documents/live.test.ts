import { describe, expect, it } from 'vitest';
import { applyChange, applyDeletion, indexed, type Doc } from './live';

const doc = (id: string, more: Partial<Doc> = {}): Doc => ({
  id,
  title: id,
  collection: 'general',
  status: 'queued',
  tags: [],
  chunksDone: 0,
  chunksTotal: 0,
  ...more,
});
const none = { collection: '', tag: '', status: '' };

describe('the live document list', () => {
  it('puts a new document first and replaces a known one in place', () => {
    const list = [doc('a'), doc('b')];
    expect(applyChange(list, doc('c'), none).map((d) => d.id)).toEqual(['c', 'a', 'b']);
    const changed = applyChange(list, doc('b', { status: 'embedding', chunksDone: 3, chunksTotal: 10 }), none);
    expect(changed.map((d) => d.id)).toEqual(['a', 'b']);
    expect(changed[1].chunksDone).toBe(3);
  });

  it('drops a document that leaves the filter and ignores one that never matched', () => {
    const filters = { collection: '', tag: '', status: 'embedding' };
    const list = [doc('a', { status: 'embedding' })];
    expect(applyChange(list, doc('a', { status: 'indexed' }), filters)).toEqual([]);
    expect(applyChange(list, doc('z', { collection: 'board', status: 'queued' }), filters)).toBe(list);
  });

  it('removes a deleted document', () => {
    expect(applyDeletion([doc('a'), doc('b')], 'a').map((d) => d.id)).toEqual(['b']);
  });

  it('measures indexing by chunks while embedding', () => {
    expect(indexed(doc('a', { status: 'parsing' }))).toBe(0);
    expect(indexed(doc('a', { status: 'embedding', chunksDone: 5, chunksTotal: 20 }))).toBe(0.25);
    expect(indexed(doc('a', { status: 'indexed', chunksDone: 20, chunksTotal: 20 }))).toBe(1);
  });
});
