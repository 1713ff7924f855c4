import type { Schemas } from '../../api/client';

export type Doc = Schemas['Document'];

export interface Filters {
  collection: string;
  tag: string;
  status: string;
}

/** Whether a document belongs in the list as filtered. */
export function matches(doc: Doc, filters: Filters): boolean {
  return (
    (!filters.collection || doc.collection === filters.collection || doc.collectionId === filters.collection) &&
    (!filters.tag || (doc.tags ?? []).includes(filters.tag)) &&
    (!filters.status || doc.status === filters.status)
  );
}

/**
 * The list after a live change: the document replaces its row, or comes first when new and it
 * matches the filters; it leaves the list when it no longer matches them.
 */
export function applyChange(list: Doc[], doc: Doc, filters: Filters): Doc[] {
  const at = list.findIndex((d) => d.id === doc.id);
  if (!matches(doc, filters)) {
    return at < 0 ? list : list.filter((d) => d.id !== doc.id);
  }
  if (at < 0) {
    return [doc, ...list];
  }
  const next = list.slice();
  next[at] = doc;
  return next;
}

export function applyDeletion(list: Doc[], id: string): Doc[] {
  return list.some((d) => d.id === id) ? list.filter((d) => d.id !== id) : list;
}

/** How far indexing is, 0 to 1 (queued and parsing are 0; indexed is 1). */
export function indexed(doc: Doc): number {
  if (doc.status === 'indexed') {
    return 1;
  }
  if (doc.status === 'embedding' && (doc.chunksTotal ?? 0) > 0) {
    return (doc.chunksDone ?? 0) / (doc.chunksTotal ?? 1);
  }
  return 0;
}
