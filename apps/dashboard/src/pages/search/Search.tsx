import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { openOriginal } from '../../api/originals';
import type { Problem } from '../../api/problem';
import { SelectField } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { asProblem, useResource } from '../../useResource';
import { where } from '../ask/answer';

type Mode = 'hybrid' | 'vector' | 'keyword';
const MODES: Mode[] = ['hybrid', 'vector', 'keyword'];

/** Search: hybrid, vector or keyword over the documents one may read, with filters. */
export function Search() {
  const { t } = useTranslation();
  const { api, token } = useSession();
  const collections = useResource(() => data(api.GET('/api/v1/collections')), [api]);
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<Mode>('hybrid');
  const [collection, setCollection] = useState('');
  const [tags, setTags] = useState('');
  const [result, setResult] = useState<Schemas['SearchResponse'] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const tagList = tags
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      setResult(
        await data(
          api.POST('/api/v1/search', {
            body: {
              query,
              mode,
              topK: 20,
              highlights: true,
              filter: {
                ...(collection && { collections: [collection] }),
                ...(tagList.length > 0 && { tags: tagList }),
              },
            },
          }),
        ),
      );
    } catch (failure) {
      setProblem(asProblem(failure));
    } finally {
      setBusy(false);
    }
  }

  async function original(hit: Schemas['Hit']) {
    const refused = await openOriginal(hit.documentId!, hit.title ?? 'document', token());
    if (refused) {
      setProblem(refused);
    }
  }

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      <form onSubmit={search} className="search-form" role="search">
        <div className="field search-query">
          <label htmlFor="search-query">{t('search.query')}</label>
          <input id="search-query" type="search" required maxLength={2000} value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <fieldset className="modes">
          <legend>{t('search.mode')}</legend>
          {MODES.map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} /> {t(`search.modes.${m}`)}
            </label>
          ))}
        </fieldset>
        <SelectField
          label={t('documents.collection')}
          value={collection}
          onChange={setCollection}
          options={(collections.data ?? []).map((c) => ({ value: c.name!, label: c.name! }))}
          all={t('documents.all')}
        />
        <div className="field">
          <label htmlFor="search-tags">{t('uploads.tags')}</label>
          <input id="search-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder={t('uploads.tagsHint')} />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('search.searching') : t('search.submit')}
        </button>
      </form>
      {problem && <ProblemMessage problem={problem} />}
      {result && (
        <>
          <p role="status">{t('search.found', { count: result.hits?.length ?? 0, mode: t(`search.modes.${result.mode}`) })}</p>
          <ol className="hits">
            {result.hits?.map((hit) => (
              <li key={`${hit.documentId}:${hit.chunk}`} className="hit">
                <div className="hit-head">
                  <button type="button" className="link doc-title" onClick={() => void original(hit)}>
                    {hit.title}
                  </button>
                  <span className="doc-meta">
                    {hit.collection}
                    {where({ n: 0, documentId: hit.documentId!, title: hit.title ?? '', location: hit.location }, t) &&
                      ` · ${where({ n: 0, documentId: hit.documentId!, title: hit.title ?? '', location: hit.location }, t)}`}
                    {' · '}
                    {t('search.score', { score: (hit.score ?? 0).toFixed(3) })}
                  </span>
                </div>
                <Passage text={hit.text ?? ''} best={hit.highlights?.[0]} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** The passage, its best sentence marked. */
function Passage({ text, best }: { text: string; best?: Schemas['Highlight'] }) {
  if (!best || best.start == null || best.end == null || best.end <= best.start || best.end > text.length) {
    return <p className="hit-text">{text}</p>;
  }
  return (
    <p className="hit-text">
      {text.slice(0, best.start)}
      <mark>{text.slice(best.start, best.end)}</mark>
      {text.slice(best.end)}
    </p>
  );
}
