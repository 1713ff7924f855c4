import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../api/problem';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useFeed } from '../../notifications';
import { asProblem } from '../../useResource';

/** The feed: what happened, newest first, unread marked; mark one or all read. */
export function Notifications() {
  const { t, i18n } = useTranslation();
  const feed = useFeed();
  const [problem, setProblem] = useState<Problem | null>(null);
  if (!feed) {
    return null;
  }
  const run = (work: Promise<void>) => work.catch((e: unknown) => setProblem(asProblem(e)));
  return (
    <section aria-labelledby="notifications-title">
      <div className="title-row">
        <h1 id="notifications-title">{t('notifications.title')}</h1>
        <span className={`live live-${feed.state}`} role="status">
          {t(`stream.${feed.state}`)}
        </span>
      </div>
      <p>
        {t('notifications.unread', { count: feed.unread })}{' '}
        {feed.unread > 0 && (
          <button type="button" onClick={() => void run(feed.markAllRead())}>
            {t('notifications.readAll')}
          </button>
        )}
      </p>
      <p>
        <Link to="/notifications/preferences">{t('notifications.preferences')}</Link>
      </p>
      {problem && <ProblemMessage problem={problem} />}
      {feed.items.length === 0 ? (
        <p>{t('notifications.none')}</p>
      ) : (
        <ul className="feed" aria-label={t('notifications.title')}>
          {feed.items.map((n) => (
            <li key={n.id} className={n.readAt ? 'note' : 'note unread'}>
              <div>
                <p className="note-title">
                  {!n.readAt && <span className="visually-hidden">{t('notifications.new')}: </span>}
                  {n.link?.startsWith('/') ? (
                    <Link to={n.link} onClick={() => !n.readAt && void run(feed.markRead(n.id!))}>
                      {n.title}
                    </Link>
                  ) : (
                    n.title
                  )}
                </p>
                {n.body && <p className="note-body">{n.body}</p>}
                <p className="doc-meta">{n.createdAt && new Date(n.createdAt).toLocaleString(i18n.language)}</p>
              </div>
              {!n.readAt && (
                <button type="button" onClick={() => void run(feed.markRead(n.id!))} aria-label={`${t('notifications.markRead')}: ${n.title}`}>
                  {t('notifications.markRead')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
