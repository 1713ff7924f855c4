import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data } from '../api/client';
import { useFeed } from '../notifications';
import { useSession } from '../session';
import { useResource } from '../useResource';

/** Home: what happened lately, documents being indexed, recent questions, this month's usage. */
export function Home() {
  const { t, i18n } = useTranslation();
  const { api, me, can } = useSession();
  const feed = useFeed();
  const documents = useResource(
    () => (can('documents:read') ? data(api.GET('/api/v1/documents', { params: { query: { limit: 50 } } })) : Promise.resolve(null)),
    [api],
  );
  const conversations = useResource(
    () =>
      can('copilot:ask')
        ? data(api.GET('/api/v1/copilot/conversations', { params: { query: { limit: 5 } } }))
        : Promise.resolve(null),
    [api],
  );
  const usage = useResource(
    () => (can('tenant:manage') ? data(api.GET('/api/v1/usage')) : Promise.resolve(null)),
    [api],
  );
  const indexing = (documents.data?.items ?? []).filter((d) => d.status !== 'indexed' && d.status !== 'failed');
  const budget = usage.data?.monthlyTokenBudget;
  const used = usage.data?.usedThisMonth ?? 0;
  const number = (n: number) => n.toLocaleString(i18n.language);

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title', { name: me?.user?.displayName ?? '' })}</h1>
      <dl className="facts">
        <dt>{t('home.tenant')}</dt>
        <dd>{me?.tenant?.name}</dd>
        <dt>{t('home.plan')}</dt>
        <dd>{me?.tenant?.plan}</dd>
        <dt>{t('home.roles')}</dt>
        <dd>{me?.roles?.join(', ')}</dd>
      </dl>
      <div className="cards">
        {feed && (
          <Card
            id="home-lately"
            title={t('home.lately')}
            empty={t('notifications.none')}
            items={feed.items.slice(0, 5).map((n) => ({
              key: n.id!,
              content: <span className={n.readAt ? undefined : 'strong'}>{n.title}</span>,
            }))}
            more={{ to: '/notifications', label: t('home.allNotifications') }}
          />
        )}
        {documents.data && (
          <Card
            id="home-indexing"
            title={t('home.indexing')}
            empty={t('home.nothingIndexing')}
            items={indexing.map((d) => ({ key: d.id!, content: `${d.title} · ${t(`status.${d.status}`)}` }))}
            more={{ to: '/documents', label: t('home.toDocuments') }}
          />
        )}
        {conversations.data && (
          <Card
            id="home-questions"
            title={t('home.questions')}
            empty={t('home.noQuestions')}
            items={(conversations.data.items ?? []).map((c) => ({
              key: c.id!,
              content: <Link to={`/ask/${c.id}`}>{c.title}</Link>,
            }))}
            more={{ to: '/ask', label: t('home.ask') }}
          />
        )}
        {usage.data && (
          <section className="card" aria-labelledby="home-usage">
            <h2 id="home-usage">{t('home.usage')}</h2>
            {budget ? (
              <>
                <progress max={budget} value={Math.min(used, budget)} aria-labelledby="home-usage-text" />
                <p id="home-usage-text">{t('home.usedOf', { used: number(used), budget: number(budget) })}</p>
              </>
            ) : (
              <p>{t('home.usedUnlimited', { used: number(used) })}</p>
            )}
          </section>
        )}
      </div>
    </section>
  );
}

/** A card of Home: its title, a list or what to say when the list is empty, and where to go on. */
function Card({
  id,
  title,
  empty,
  items,
  more,
}: {
  id: string;
  title: string;
  empty: string;
  items: { key: string; content: ReactNode }[];
  more?: { to: string; label: string };
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul className="list">
          {items.map((i) => (
            <li key={i.key}>{i.content}</li>
          ))}
        </ul>
      )}
      {more && <Link to={more.to}>{more.label}</Link>}
    </section>
  );
}
