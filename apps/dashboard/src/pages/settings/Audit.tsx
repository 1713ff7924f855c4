import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useSubmit } from '../../useSubmit';

type Event = Schemas['AuditEvent'];
const NO_FILTERS = { action: '', actor: '', from: '', to: '' };

/** Settings › Audit log: who did what, when, from where; filtered by action, actor and time. */
export function Audit() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [events, setEvents] = useState<Event[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const { busy, problem, run } = useSubmit();
  const time = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');

  const load = (cursor?: string, using = filters) =>
    run(async () => {
      const query = {
        limit: 50,
        ...(cursor && { cursor }),
        ...(using.action && { action: using.action }),
        ...(using.actor && { actor: using.actor }),
        ...(using.from && { from: new Date(using.from).toISOString() }),
        ...(using.to && { to: new Date(using.to).toISOString() }),
      };
      const page = await data(api.GET('/api/v1/audit-events', { params: { query } }));
      setEvents((shown) => (cursor ? [...shown, ...(page.items ?? [])] : (page.items ?? [])));
      setNext(page.nextCursor ?? undefined);
    });
  // the newest events when the page opens
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [api]);

  function filter(e: FormEvent) {
    e.preventDefault();
    void load();
  }
  const set = (name: keyof typeof NO_FILTERS) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [name]: e.target.value }));

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <form onSubmit={filter} className="filters" aria-label={t('audit.filters')}>
        <Field label={t('audit.action')} hint={t('audit.actionHint')} value={filters.action} onChange={set('action')} error={fieldError(problem?.errors, 'action')} />
        <Field label={t('audit.actor')} hint={t('audit.actorHint')} value={filters.actor} onChange={set('actor')} error={fieldError(problem?.errors, 'actor')} />
        <Field label={t('audit.from')} type="datetime-local" value={filters.from} onChange={set('from')} error={fieldError(problem?.errors, 'from')} />
        <Field label={t('audit.to')} type="datetime-local" value={filters.to} onChange={set('to')} error={fieldError(problem?.errors, 'to')} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('audit.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setFilters(NO_FILTERS);
              void load(undefined, NO_FILTERS);
            }}
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      {problem && <ProblemMessage problem={problem} />}
      <p role="status">{t('audit.shown', { count: events.length })}</p>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="audit-title">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.result')}</th>
              <th scope="col">{t('audit.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{time(e.occurredAt)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td className="break">
                  {e.actorType}: {e.actorId}
                </td>
                <td className="break">{e.targetType && `${e.targetType}: ${e.targetId ?? ''}`}</td>
                <td>{e.result}</td>
                <td>{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(next)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
