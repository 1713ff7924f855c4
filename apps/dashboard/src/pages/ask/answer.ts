/** A passage an answer cites or was drawn from. */
export interface Passage {
  n: number;
  documentId: string;
  title: string;
  chunkId?: string;
  location?: { page?: number | null; sheet?: string | null; slide?: number | null; headings?: string[]; headingPath?: string | null };
  quote?: string;
  text?: string;
}

/** An answer as it streams in, or as it was stored. */
export interface Answer {
  text: string;
  sources: Passage[];
  citations: Passage[];
  abstained?: boolean;
  done: boolean;
  answerer?: string;
  notice?: string | null;
}

export type Part = { text: string } | { cite: number };

/** The answer's text with its [n] marks as citation parts (only numbers that are sources). */
export function parts(text: string, known: (n: number) => boolean): Part[] {
  const out: Part[] = [];
  const mark = /\[(\d+)\]/g;
  let last = 0;
  for (let m = mark.exec(text); m; m = mark.exec(text)) {
    const n = Number(m[1]);
    if (!known(n)) {
      continue;
    }
    if (m.index > last) {
      out.push({ text: text.slice(last, m.index) });
    }
    out.push({ cite: n });
    last = m.index + m[0].length;
  }
  if (last < text.length) {
    out.push({ text: text.slice(last) });
  }
  return out;
}

/** Where a passage is in its document: page, sheet, slide and headings, as far as known. */
export function where(p: Passage, t: (key: string, options?: Record<string, unknown>) => string): string {
  const l = p.location ?? {};
  return [
    l.page != null && t('ask.page', { page: l.page }),
    l.sheet && t('ask.sheet', { sheet: l.sheet }),
    l.slide != null && t('ask.slide', { slide: l.slide }),
    l.headingPath || (l.headings ?? []).join(' › '),
  ]
    .filter(Boolean)
    .join(' · ');
}
