import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { useSession } from '../session';
import { useResource } from '../useResource';
import { useSubmit } from '../useSubmit';

type Event = Schemas['AuditEvent'];

export interface FormerMember {
  userId: string;
  email: string;
  at?: string;
}

/**
 * The people who left or were removed, newest first, one line each: not those who are members
 * again, nor those already pseudonymised (their entries name the pseudonym).
 */
export function formerMembers(events: Event[], current: ReadonlySet<string>): FormerMember[] {
  const seen = new Set<string>();
  const former: FormerMember[] = [];
  for (const e of events) {
    const id = e.targetId;
    if ((e.action !== 'member.left' && e.action !== 'member.removed') || e.result !== 'success' || !id) {
      continue;
    }
    if (id.startsWith('former-member-') || current.has(id) || seen.has(id)) {
      continue;
    }
    seen.add(id);
    const details = e.details as unknown as { email?: string } | undefined;
    former.push({ userId: id, email: details?.email ?? id, at: e.occurredAt });
  }
  return former;
}

/**
 * Settings › Members, former members: an admin who may read the audit log sees who left or was
 * removed, and replaces their personal data by a pseudonym, once they confirm (it cannot be undone).
 */
export function FormerMembers({ current }: { current: ReadonlySet<string> }) {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const events = useResource(
    () => data(api.GET('/api/v1/audit-events', { params: { query: { action: 'member.*', limit: 100 } } })),
    [api],
  );
  const [confirming, setConfirming] = useState<string | null>(null);
  const [done, setDone] = useState<{ email: string; pseudonym: string } | null>(null);
  const act = useSubmit();
  const former = formerMembers(events.data?.items ?? [], current);
  const date = (value?: string) => (value ? new Date(value).toLocaleDateString(i18n.language) : '');

  function pseudonymise(person: FormerMember) {
    void act.run(async () => {
      const result = await data(
        api.POST('/api/v1/members/{userId}/pseudonymisation', { params: { path: { userId: person.userId } } }),
      );
      setConfirming(null);
      setDone({ email: person.email, pseudonym: result.pseudonym ?? '' });
      events.reload();
    });
  }

  return (
    <section aria-labelledby="former-title">
      <h2 id="former-title">{t('members.former')}</h2>
      <p>{t('members.formerWhat')}</p>
      {events.problem && <ProblemMessage problem={events.problem} onRetry={events.reload} />}
      {done && <p role="status">{t('members.pseudonymised', done)}</p>}
      {act.problem && <ProblemMessage problem={act.problem} />}
      {events.data && former.length === 0 && <p className="hint">{t('members.formerNone')}</p>}
      <ul className="list" aria-labelledby="former-title">
        {former.map((person) => (
          <li key={person.userId}>
            <span>
              {person.email} · {t('members.gone')} {date(person.at)}
            </span>
            {confirming === person.userId ? (
              <span className="actions">
                <span>{t('members.pseudonymiseConfirm')}</span>
                <button type="button" className="danger" disabled={act.busy} onClick={() => pseudonymise(person)}>
                  {t('members.pseudonymiseSubmit', { email: person.email })}
                </button>
                <button type="button" onClick={() => setConfirming(null)}>
                  {t('members.cancel')}
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setConfirming(person.userId)} aria-label={`${t('members.pseudonymise')} ${person.email}`}>
                {t('members.pseudonymise')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
