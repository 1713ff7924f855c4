import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { data } from '../../api/client';
import { useStream } from '../../api/events';
import { openOriginal } from '../../api/originals';
import type { Problem } from '../../api/problem';
import { SelectField } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { asProblem, useResource } from '../../useResource';
import { Collections } from './Collections';
import { applyChange, applyDeletion, indexed, type Doc, type Filters } from './live';
import { Uploads } from './Uploads';

const STATUSES = ['queued', 'parsing', 'embedding', 'indexed', 'failed'];

/** Documents: upload with live progress, the list with filters, collections. */
export function Documents() {
  const { t, i18n } = useTranslation();
  const { api, token, can } = useSession();
  const [filters, setFilters] = useState<Filters>({ collection: '', tag: '', status: '' });
  const [docs, setDocs] = useState<Doc[]>([]);
  // every document the stream told about, filtered or not: the uploads' indexing progress
  const [seen, setSeen] = useState<Record<string, Doc>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const collections = useResource(() => data(api.GET('/api/v1/collections')), [api]);

  const load = useCallback(() => {
    const query = {
      limit: 100,
      ...(filtersRef.current.collection && { collection: filtersRef.current.collection }),
      ...(filtersRef.current.tag && { tag: filtersRef.current.tag }),
      ...(filtersRef.current.status && { status: filtersRef.current.status }),
    };
    data(api.GET('/api/v1/documents', { params: { query } }))
      .then((page) => {
        setDocs(page.items ?? []);
        setProblem(null);
      })
      .catch((e: unknown) => setProblem(asProblem(e)));
  }, [api]);

  useEffect(load, [load, filters]);

  const stream = useStream('/api/v1/documents/stream', token, {
    ready: () => load(),
    document: (json) => {
      const doc = JSON.parse(json) as Doc;
      setSeen((all) => ({ ...all, [doc.id!]: doc }));
      setDocs((list) => applyChange(list, doc, filtersRef.current));
    },
    deleted: (json) => setDocs((list) => applyDeletion(list, (JSON.parse(json) as { id: string }).id)),
  });

  async function act(doc: Doc, action: 'reindex' | 'delete') {
    setNotice(null);
    try {
      if (action === 'delete') {
        if (!window.confirm(t('documents.confirmDelete', { title: doc.title }))) {
          return;
        }
        await data(api.DELETE('/api/v1/documents/{id}', { params: { path: { id: doc.id! } } }));
        setNotice(t('documents.deleted', { title: doc.title }));
      } else {
        await data(api.POST('/api/v1/documents/{id}/reindex', { params: { path: { id: doc.id! } } }));
        setNotice(t('documents.reindexing', { title: doc.title }));
      }
    } catch (e) {
      setProblem(asProblem(e));
    }
  }

  async function open(doc: Doc) {
    const refused = await openOriginal(doc.id!, doc.fileName ?? 'document', token());
    if (refused) {
      setProblem(refused);
    }
  }

  const date = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');
  const names = (collections.data ?? []).map((c) => c.name!);

  return (
    <section aria-labelledby="documents-title">
      <div className="title-row">
        <h1 id="documents-title">{t('documents.title')}</h1>
        <span className={`live live-${stream}`} role="status">
          {t(`stream.${stream}`)}
        </span>
      </div>
      {can('documents:write') && <Uploads collections={names} seen={seen} />}
      {notice && <p role="status">{notice}</p>}
      {problem && <ProblemMessage problem={problem} onRetry={load} />}

      <form className="filters" aria-label={t('documents.filters')} onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label={t('documents.collection')}
          value={filters.collection}
          onChange={(collection) => setFilters((f) => ({ ...f, collection }))}
          options={names.map((n) => ({ value: n, label: n }))}
          all={t('documents.all')}
        />
        <SelectField
          label={t('documents.status')}
          value={filters.status}
          onChange={(status) => setFilters((f) => ({ ...f, status }))}
          options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          all={t('documents.all')}
        />
        <div className="field">
          <label htmlFor="filter-tag">{t('documents.tag')}</label>
          <input id="filter-tag" value={filters.tag} onChange={(e) => setFilters((f) => ({ ...f, tag: e.target.value.trim() }))} />
        </div>
      </form>

      {docs.length === 0 ? (
        <p>{t('documents.none')}</p>
      ) : (
        <ul className="doc-list" aria-label={t('documents.list')}>
          {docs.map((doc) => (
            <DocumentRow key={doc.id} doc={doc} date={date} onOpen={open} onAct={act} canWrite={can('documents:write')} />
          ))}
        </ul>
      )}

      <Collections collections={collections.data ?? []} problem={collections.problem} onChanged={collections.reload} />
    </section>
  );
}

function DocumentRow({
  doc,
  date,
  onOpen,
  onAct,
  canWrite,
}: {
  doc: Doc;
  date: (v?: string) => string;
  onOpen: (d: Doc) => void;
  onAct: (d: Doc, a: 'reindex' | 'delete') => void;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const share = indexed(doc);
  return (
    <li className="doc" data-status={doc.status}>
      <div className="doc-main">
        <button type="button" className="link doc-title" onClick={() => onOpen(doc)}>
          {doc.title}
        </button>
        <span className="doc-meta">
          {doc.collection} · {doc.fileName} · {date(doc.updatedAt)}
          {(doc.tags ?? []).length > 0 && <> · {(doc.tags ?? []).map((tag) => `#${tag}`).join(' ')}</>}
        </span>
      </div>
      <div className="doc-progress">
        <span className={`badge badge-${doc.status}`}>{t(`status.${doc.status}`)}</span>
        {doc.status !== 'failed' && (
          <progress
            max={1}
            value={share}
            aria-label={t('documents.indexing', { title: doc.title, done: doc.chunksDone ?? 0, total: doc.chunksTotal ?? 0 })}
          />
        )}
        <span className="doc-chunks">
          {doc.status === 'failed'
            ? doc.error
            : t('documents.chunks', { done: doc.chunksDone ?? 0, total: doc.chunksTotal ?? 0 })}
        </span>
      </div>
      {canWrite && (
        <div className="doc-actions">
          <button type="button" onClick={() => onAct(doc, 'reindex')} aria-label={`${t('documents.reindex')} ${doc.title}`}>
            {t('documents.reindex')}
          </button>
          <button type="button" onClick={() => onAct(doc, 'delete')} aria-label={`${t('documents.delete')} ${doc.title}`}>
            {t('documents.delete')}
          </button>
        </div>
      )}
    </li>
  );
}
