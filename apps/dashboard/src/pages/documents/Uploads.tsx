import { useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../api/problem';
import { SelectField } from '../../components/Field';
import { uploadFile } from '../../api/upload';
import { useSession } from '../../session';
import { indexed, type Doc } from './live';

interface Upload {
  key: string;
  name: string;
  loaded: number;
  total: number;
  doc?: Doc;
  problem?: Problem;
}

/** At most this many files travel at once; the others wait their turn. */
const PARALLEL = 3;

/**
 * Drop files (or choose them): each uploads with its own progress bar, then shows its indexing
 * (chunks done of total) as the stream reports it.
 */
export function Uploads({ collections, seen }: { collections: string[]; seen: Record<string, Doc> }) {
  const { t } = useTranslation();
  const { token } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [collection, setCollection] = useState('');
  const [tags, setTags] = useState('');
  const [over, setOver] = useState(false);
  const ids = useId();

  const update = (key: string, change: Partial<Upload>) =>
    setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  function start(files: File[]) {
    const batch = files.map((file, i) => ({ file, key: `${Date.now()}-${i}-${file.name}` }));
    setUploads((all) => [...batch.map(({ file, key }) => ({ key, name: file.name, loaded: 0, total: file.size })), ...all]);
    const queue = batch.slice();
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const form = new FormData();
        form.append('file', next.file, next.file.name);
        if (collection) {
          form.append('collection', collection);
        }
        if (tags.trim()) {
          form.append('tags', tags);
        }
        const key = next.key;
        try {
          const doc = await uploadFile<Doc>('/api/v1/documents', token(), form, (p) => update(key, { loaded: p.loaded, total: p.total }));
          update(key, { doc, loaded: next.file.size, total: next.file.size });
        } catch (problem) {
          update(key, { problem: problem as Problem });
        }
      }
    };
    for (let i = 0; i < Math.min(PARALLEL, batch.length); i++) {
      void worker();
    }
  }

  function dropped(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    start(Array.from(e.dataTransfer.files));
  }

  return (
    <section aria-labelledby={`${ids}-title`} className="uploads">
      <h2 id={`${ids}-title`}>{t('uploads.title')}</h2>
      <div className="inline-form">
        <SelectField
          label={t('documents.collection')}
          value={collection}
          onChange={setCollection}
          options={collections.map((n) => ({ value: n, label: n }))}
          all={t('uploads.defaultCollection')}
        />
        <div className="field">
          <label htmlFor={`${ids}-tags`}>{t('uploads.tags')}</label>
          <input id={`${ids}-tags`} value={tags} onChange={(e) => setTags(e.target.value)} placeholder={t('uploads.tagsHint')} />
        </div>
      </div>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={dropped}
        data-testid="dropzone"
      >
        <p>{t('uploads.drop')}</p>
        <label className="button primary" htmlFor={`${ids}-files`}>
          {t('uploads.choose')}
        </label>
        <input
          ref={input}
          id={`${ids}-files`}
          className="visually-hidden"
          type="file"
          multiple
          onChange={(e) => {
            start(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="upload-list" aria-label={t('uploads.list')}>
          {uploads.map((u) => {
            const doc = u.doc ? (seen[u.doc.id!] ?? u.doc) : undefined;
            return (
              <li key={u.key} className="upload" data-file={u.name} data-status={u.problem ? 'refused' : (doc?.status ?? 'uploading')}>
                <span className="upload-name">{u.name}</span>
                {u.problem ? (
                  <span className="error" role="alert">
                    {u.problem.title}
                    {u.problem.detail && `: ${u.problem.detail}`}
                  </span>
                ) : !doc ? (
                  <>
                    <progress max={u.total || 1} value={u.loaded} aria-label={t('uploads.uploading', { name: u.name })} />
                    <span>{t('uploads.percent', { percent: Math.round((100 * u.loaded) / (u.total || 1)) })}</span>
                  </>
                ) : (
                  <>
                    <progress
                      max={1}
                      value={indexed(doc)}
                      aria-label={t('documents.indexing', { title: doc.title, done: doc.chunksDone ?? 0, total: doc.chunksTotal ?? 0 })}
                    />
                    <span>
                      {t(`status.${doc.status}`)}
                      {doc.status === 'failed' ? `: ${doc.error ?? ''}` : ` · ${t('documents.chunks', { done: doc.chunksDone ?? 0, total: doc.chunksTotal ?? 0 })}`}
                    </span>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
