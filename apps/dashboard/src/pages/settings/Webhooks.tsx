import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { SecretOnce } from '../../components/SecretOnce';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** How often the delivery log is read again while a delivery is still being tried. */
const PENDING_REFRESH_MS = 2000;

/** Settings › Webhooks: the endpoints events are posted to, signed; the secret is shown once. */
export function Webhooks() {
  const { t } = useTranslation();
  const { api } = useSession();
  const endpoints = useResource(() => data(api.GET('/api/v1/webhooks', { params: { query: { limit: 100 } } })), [api]);
  const [form, setForm] = useState({ url: '', description: '', eventTypes: '' });
  const [created, setCreated] = useState<Schemas['WebhookEndpointCreated'] | null>(null);
  const { busy, problem, run } = useSubmit();

  function create(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    void run(async () => {
      const made = await data(
        api.POST('/api/v1/webhooks', {
          body: { url: form.url, description: form.description || undefined, eventTypes: list(form.eventTypes) },
        }),
      );
      setCreated(made);
      setForm({ url: '', description: '', eventTypes: '' });
      endpoints.reload();
    });
  }

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">{t('webhooks.title')}</h1>
      <p>{t('webhooks.lead')}</p>
      {endpoints.problem && <ProblemMessage problem={endpoints.problem} onRetry={endpoints.reload} />}
      {endpoints.data?.items?.length === 0 && <p>{t('webhooks.none')}</p>}
      <ul className="list" aria-label={t('webhooks.list')}>
        {endpoints.data?.items?.map((w) => (
          <li key={w.id}>
            <span>
              <Link to={`/settings/webhooks/${w.id}`}>{w.url}</Link>
              {w.description && <span className="doc-meta"> · {w.description}</span>}
            </span>
            <span className={w.enabled ? 'badge badge-indexed' : 'badge badge-failed'}>
              {w.enabled ? t('workflows.enabled') : t('workflows.disabled')}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={create} aria-labelledby="webhook-form-title">
        <h2 id="webhook-form-title">{t('webhooks.new')}</h2>
        <Field label={t('webhooks.url')} type="url" required maxLength={2000} value={form.url} onChange={(e) => setForm((f) => ({ ...f, url: e.target.value }))} error={fieldError(problem?.errors, 'url')} />
        <Field label={t('webhooks.description')} maxLength={500} value={form.description} onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))} error={fieldError(problem?.errors, 'description')} />
        <Field
          label={t('webhooks.eventTypes')}
          hint={t('webhooks.eventTypesHint')}
          value={form.eventTypes}
          onChange={(e) => setForm((f) => ({ ...f, eventTypes: e.target.value }))}
          error={fieldError(problem?.errors, 'eventTypes')}
        />
        {problem && <ProblemMessage problem={problem} />}
        <button type="submit" className="primary" disabled={busy}>
          {t('webhooks.create')}
        </button>
      </form>
      {created?.secret && (
        <>
          <SecretOnce label={t('webhooks.created', { url: created.endpoint?.url })} secret={created.secret} />
          <p>
            <Link to={`/settings/webhooks/${created.endpoint?.id}`}>{t('webhooks.open')}</Link>
          </p>
        </>
      )}
    </section>
  );
}

/** A button for one of an endpoint's actions: off while any runs; a refusal is the form's problem. */
function Action({
  act,
  label,
  primary,
  disabled,
  children: work,
}: {
  act: ReturnType<typeof useSubmit>;
  label: string;
  primary?: boolean;
  disabled?: boolean;
  children: () => Promise<void>;
}) {
  return (
    <button type="button" className={primary ? 'primary' : undefined} disabled={act.busy || disabled} onClick={() => void act.run(work)}>
      {label}
    </button>
  );
}

/** One endpoint: test it, see each delivery and its attempts, send one again, rotate the secret. */
export function WebhookEndpoint() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const navigate = useNavigate();
  const endpoint = useResource(() => data(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })), [api, id]);
  const deliveries = useResource(
    () => data(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } })),
    [api, id],
  );
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = useSubmit();
  const time = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');
  const pending = deliveries.data?.items?.some((d) => d.status === 'pending') ?? false;
  const reloadDeliveries = deliveries.reload;
  const items = deliveries.data;
  useEffect(() => {
    if (!pending) {
      return;
    }
    const timer = setTimeout(reloadDeliveries, PENDING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, items, reloadDeliveries]);

  if (endpoint.problem) {
    return <ProblemMessage problem={endpoint.problem} onRetry={endpoint.reload} />;
  }
  const w = endpoint.data;
  if (!w) {
    return <p className="loading">{t('app.loading')}</p>;
  }
  const then = (message: string) => () => {
    setNotice(message);
    endpoint.reload();
    deliveries.reload();
  };

  return (
    <section aria-labelledby="endpoint-title">
      <p>
        <Link to="/settings/webhooks">{t('webhooks.back')}</Link>
      </p>
      <div className="title-row">
        <h1 id="endpoint-title" className="break">
          {w.url}
        </h1>
        <span className={w.enabled ? 'badge badge-indexed' : 'badge badge-failed'}>{w.enabled ? t('workflows.enabled') : t('workflows.disabled')}</span>
      </div>
      {w.description && <p>{w.description}</p>}
      <p className="doc-meta">
        {t('webhooks.eventTypes')}: {w.eventTypes?.length ? w.eventTypes.join(', ') : t('webhooks.allEvents')}
      </p>
      {w.disabledReason && <p className="error">{t('webhooks.disabledBecause', { reason: w.disabledReason })}</p>}
      {w.previousSecretExpiresAt && <p>{t('webhooks.previousSecret', { when: time(w.previousSecretExpiresAt) })}</p>}
      {act.problem && <ProblemMessage problem={act.problem} />}
      <div className="actions">
        <Action act={act} primary disabled={!w.enabled} label={t('webhooks.test')}>
          {async () => {
            await data(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } } }));
            then(t('webhooks.testSent'))();
          }}
        </Action>
        <Action act={act} label={w.enabled ? t('workflow.disable') : t('workflow.enable')}>
          {async () => {
            await data(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id } }, body: { enabled: !w.enabled } }));
            then(w.enabled ? t('webhooks.turnedOff') : t('webhooks.turnedOn'))();
          }}
        </Action>
        <Action act={act} label={t('webhooks.rotate')}>
          {async () => {
            const rotated = await data(api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } }));
            setSecret(rotated.secret ?? null);
            endpoint.reload();
          }}
        </Action>
        <Action act={act} label={t('webhooks.delete')}>
          {async () => {
            if (window.confirm(t('webhooks.confirmDelete', { url: w.url }))) {
              await data(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } }));
              navigate('/settings/webhooks');
            }
          }}
        </Action>
      </div>
      {notice && <p role="status">{notice}</p>}
      {secret && <SecretOnce label={t('webhooks.rotated')} secret={secret} />}

      <div className="title-row">
        <h2 id="deliveries-title">{t('webhooks.deliveries')}</h2>
        <button type="button" onClick={deliveries.reload}>
          {t('webhooks.refresh')}
        </button>
      </div>
      {deliveries.problem && <ProblemMessage problem={deliveries.problem} onRetry={deliveries.reload} />}
      {deliveries.data?.items?.length === 0 && <p>{t('webhooks.noDeliveries')}</p>}
      <ul className="feed" aria-labelledby="deliveries-title">
        {deliveries.data?.items?.map((d) => (
          <li key={d.id} className="note delivery" data-status={d.status}>
            <div>
              <p className="note-title">
                <code>{d.eventType}</code>{' '}
                <span className={`badge ${d.status === 'delivered' ? 'badge-indexed' : d.status === 'failed' ? 'badge-failed' : ''}`}>
                  {t(`webhooks.status.${d.status}`)}
                </span>
              </p>
              <p className="doc-meta">
                {time(d.createdAt)} · {t('run.attempts', { count: d.attempts ?? 0 })}
                {d.nextAttemptAt && d.status === 'pending' && ` · ${t('run.nextAttempt', { when: time(d.nextAttemptAt) })}`}
              </p>
              {(d.log?.length ?? 0) > 0 && (
                <details>
                  <summary>{t('webhooks.attempts')}</summary>
                  <ol>
                    {d.log!.map((a, i) => (
                      <li key={i}>
                        {time(a.attemptedAt)} · {a.statusCode ?? t('webhooks.noAnswer')} · {a.durationMs} ms
                        {a.error && <> · {a.error}</>}
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </div>
            <button
              type="button"
              disabled={act.busy || !w.enabled}
              aria-label={`${t('webhooks.redeliver')}: ${d.eventType} ${time(d.createdAt)}`}
              onClick={() =>
                void act.run(async () => {
                  await data(api.POST('/api/v1/webhooks/{id}/deliveries/{messageId}/redeliver', { params: { path: { id, messageId: d.id! } } }));
                  then(t('webhooks.redelivering'))();
                })
              }
            >
              {t('webhooks.redeliver')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
