import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { useSession } from '../session';
import { useSubmit } from '../useSubmit';

type FormerMember = Schemas['FormerMember'];

/**
 * Settings › Members, former members: an admin sees who left or was removed (from
 * GET /api/v1/members/former, newest first, a page at a time), and replaces their personal data by
 * a pseudonym, once they confirm (it cannot be undone).
 */
export function FormerMembers() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const [former, setFormer] = useState<FormerMember[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const list = useSubmit();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [done, setDone] = useState<{ email: string; pseudonym: string } | null>(null);
  const act = useSubmit();
  const date = (value?: string) => (value ? new Date(value).toLocaleDateString(i18n.language) : '');

  const load = (cursor?: string) =>
    list.run(async () => {
      const query = { limit: 50, ...(cursor && { cursor }) };
      const page = await data(api.GET('/api/v1/members/former', { params: { query } }));
      setFormer((shown) => (cursor ? [...(shown ?? []), ...(page.items ?? [])] : (page.items ?? [])));
      setNext(page.nextCursor ?? undefined);
    });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [api]);

  function pseudonymise(person: FormerMember) {
    void act.run(async () => {
      const result = await data(
        api.POST('/api/v1/members/{userId}/pseudonymisation', { params: { path: { userId: person.userId ?? '' } } }),
      );
      setConfirming(null);
      setDone({ email: person.email ?? '', pseudonym: result.pseudonym ?? '' });
      await load();
    });
  }

  return (
    <section aria-labelledby="former-title">
      <h2 id="former-title">{t('members.former')}</h2>
      <p>{t('members.formerWhat')}</p>
      {list.problem && <ProblemMessage problem={list.problem} onRetry={() => void load()} />}
      {done && <p role="status">{t('members.pseudonymised', done)}</p>}
      {act.problem && <ProblemMessage problem={act.problem} />}
      {former?.length === 0 && <p className="hint">{t('members.formerNone')}</p>}
      <ul className="list" aria-labelledby="former-title">
        {former?.map((person) => (
          <li key={person.userId}>
            <span>
              {person.email} · {t(person.how === 'left' ? 'members.left' : 'members.removed')} {date(person.at)}
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
              <button type="button" onClick={() => setConfirming(person.userId ?? null)} aria-label={`${t('members.pseudonymise')} ${person.email}`}>
                {t('members.pseudonymise')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" disabled={list.busy} onClick={() => void load(next)}>
          {t('members.moreFormer')}
        </button>
      )}
    </section>
  );
}
