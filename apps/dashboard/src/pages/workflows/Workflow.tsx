import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { SelectField, TextAreaField, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';
import { DefinitionEditor } from './DefinitionEditor';
import { fromDraft, toDraft, type DefinitionDraft } from './draft';
import { StatusBadge } from './Run';

type Doc = Schemas['Document'];

/** What a document trigger gives a run: the fields of the document.indexed event. */
export function documentInput(doc: Doc) {
  return {
    documentId: doc.id,
    collectionId: doc.collectionId,
    title: doc.title ?? doc.fileName,
    uploadedBy: doc.createdBy,
    mediaType: doc.mediaType,
    tags: doc.tags ?? [],
    chunks: doc.chunksTotal,
  };
}

/** One workflow: run it, its runs, its definition to edit (a new version), enable or delete it. */
export function Workflow() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { api, can } = useSession();
  const navigate = useNavigate();
  const workflow = useResource(() => data(api.GET('/api/v1/workflows/{id}', { params: { path: { id } } })), [api, id]);
  const runs = useResource(
    () => data(api.GET('/api/v1/workflows/{id}/runs', { params: { path: { id }, query: { limit: 20 } } })),
    [api, id],
  );
  const collections = useResource(() => data(api.GET('/api/v1/collections')), [api]);
  const [draft, setDraft] = useState<DefinitionDraft | null>(null);
  const [secret, setSecret] = useState<Schemas['Webhook'] | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const save = useSubmit();
  const act = useSubmit();
  const w = workflow.data;
  useEffect(() => setDraft(w ? toDraft(w.definition) : null), [w]);
  const date = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');
  const collectionOptions = (collections.data ?? []).map((c) => ({ value: c.id!, label: c.name! }));
  const [localErrors, setLocalErrors] = useState<{ field: string; message: string }[]>([]);

  if (workflow.problem) {
    return <ProblemMessage problem={workflow.problem} onRetry={workflow.reload} />;
  }
  if (!w || !draft) {
    return <p className="loading">{t('app.loading')}</p>;
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const { definition, errors } = fromDraft(draft!);
    setLocalErrors(errors);
    if (errors.length > 0) {
      return;
    }
    void save.run(async () => {
      const v = await data(api.PUT('/api/v1/workflows/{id}', { params: { path: { id } }, body: { name: w!.name!, description: w!.description, definition } }));
      setSaved(v.version ?? null);
      workflow.reload();
    });
  }

  const enable = (enabled: boolean) =>
    act.run(async () => {
      await data(api.PATCH('/api/v1/workflows/{id}', { params: { path: { id } }, body: { enabled } }));
      workflow.reload();
    });
  const remove = () =>
    act.run(async () => {
      if (window.confirm(t('workflow.confirmDelete', { name: w.name }))) {
        await data(api.DELETE('/api/v1/workflows/{id}', { params: { path: { id } } }));
        navigate('/workflows');
      }
    });
  const newSecret = () =>
    act.run(async () => {
      setSecret(await data(api.POST('/api/v1/workflows/{id}/webhook-secret', { params: { path: { id } } })));
    });

  return (
    <section aria-labelledby="workflow-title">
      <p>
        <Link to="/workflows">{t('workflow.back')}</Link>
      </p>
      <div className="title-row">
        <h1 id="workflow-title">{w.name}</h1>
        <span className={w.enabled ? 'badge badge-indexed' : 'badge'}>{w.enabled ? t('workflows.enabled') : t('workflows.disabled')}</span>
      </div>
      {w.description && <p>{w.description}</p>}
      <p className="doc-meta">
        {t('workflows.version', { version: w.version })} · {t('workflows.updated', { when: date(w.updatedAt) })}
      </p>
      {(w.nextFireTimes?.length ?? 0) > 0 && (
        <p>
          {t('workflow.nextFires')}: {w.nextFireTimes!.slice(0, 3).map(date).join(', ')}
        </p>
      )}
      {w.webhook && (
        <div className="card">
          <p>
            {t('workflow.webhookUrl')}: <code>{w.webhook.url}</code>
          </p>
          {secret?.secret && (
            <p role="status">
              {t('workflow.secretOnce')}: <code>{secret.secret}</code>
            </p>
          )}
          {can('workflows:manage') && (
            <button type="button" onClick={() => void newSecret()}>
              {t('workflow.newSecret')}
            </button>
          )}
        </div>
      )}
      {act.problem && <ProblemMessage problem={act.problem} />}
      {can('workflows:manage') && (
        <div className="actions">
          <button type="button" onClick={() => void enable(!w.enabled)}>
            {w.enabled ? t('workflow.disable') : t('workflow.enable')}
          </button>
          <button type="button" onClick={() => void remove()}>
            {t('workflow.delete')}
          </button>
        </div>
      )}

      {can('workflows:run') && w.enabled && <RunNow workflowId={id} onStarted={(run) => navigate(`/runs/${run}`)} />}

      <h2 id="runs-title">{t('workflow.runs')}</h2>
      {runs.problem && <ProblemMessage problem={runs.problem} onRetry={runs.reload} />}
      {runs.data?.items?.length === 0 && <p>{t('workflow.noRuns')}</p>}
      <ul className="list" aria-labelledby="runs-title">
        {runs.data?.items?.map((r) => (
          <li key={r.id}>
            <span>
              <Link to={`/runs/${r.id}`}>{t('workflow.runOf', { when: date(r.createdAt) })}</Link>{' '}
              <span className="doc-meta">
                {t(`workflow.triggers.${r.triggerType}`)} · {t('workflows.version', { version: r.version })}
              </span>
            </span>
            <StatusBadge status={r.status} />
          </li>
        ))}
      </ul>

      {can('workflows:manage') && (
        <form onSubmit={submit} aria-labelledby="definition-title" noValidate>
          <h2 id="definition-title">{t('workflow.definition')}</h2>
          <DefinitionEditor draft={draft} onChange={setDraft} errors={[...localErrors, ...(save.problem?.errors ?? [])]} collections={collectionOptions} />
          {save.problem && <ProblemMessage problem={save.problem} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={save.busy}>
              {t('workflow.save')}
            </button>
          </div>
          {saved !== null && <p role="status">{t('workflow.saved', { version: saved })}</p>}
        </form>
      )}
    </section>
  );
}

function newKey() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Start a run now: on one of the documents (as if it had just been indexed), or with any input. */
function RunNow({ workflowId, onStarted }: { workflowId: string; onStarted: (runId: string) => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const docs = useResource(() => data(api.GET('/api/v1/documents', { params: { query: { limit: 100, status: 'indexed' } } })), [api]);
  const [doc, setDoc] = useState('');
  const [input, setInput] = useState('{}');
  const [inputError, setInputError] = useState<string | undefined>();
  const { busy, problem, run } = useSubmit();
  // one key per start the user means: a second click or a resent request starts no second run
  const [key, setKey] = useState(newKey);

  function choose(id: string) {
    setDoc(id);
    const found = docs.data?.items?.find((d) => d.id === id);
    setInput(JSON.stringify(found ? documentInput(found) : {}, null, 2));
  }

  function start(e: FormEvent) {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
      setInputError(undefined);
    } catch (failure) {
      setInputError(`${t('workflow.notJson')}: ${(failure as Error).message}`);
      return;
    }
    void run(async () => {
      const started = await data(
        api.POST('/api/v1/workflows/{id}/runs', {
          params: { path: { id: workflowId }, header: { 'Idempotency-Key': key } },
          body: { input: parsed as Schemas['JsonNode'] },
        }),
      );
      setKey(newKey());
      onStarted(started.id!);
    });
  }

  return (
    <form onSubmit={start} aria-labelledby="run-now-title" className="card">
      <h2 id="run-now-title">{t('workflow.runNow')}</h2>
      <SelectField
        label={t('workflow.onDocument')}
        value={doc}
        onChange={choose}
        all={t('workflow.noDocument')}
        options={(docs.data?.items ?? []).map((d) => ({ value: d.id!, label: d.title ?? d.fileName ?? d.id! }))}
      />
      <TextAreaField
        label={t('workflow.runInput')}
        hint={t('workflow.runInputHint')}
        className="code"
        rows={4}
        spellCheck={false}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        error={inputError ?? fieldError(problem?.errors, 'input')}
      />
      {problem && <ProblemMessage problem={problem} />}
      <button type="submit" className="primary" disabled={busy}>
        {t('workflow.start')}
      </button>
    </form>
  );
}
