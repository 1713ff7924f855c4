import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data } from '../api/client';
import type { Problem } from '../api/problem';
import { Field, fieldError } from '../components/Field';
import { ProblemMessage } from '../components/ProblemMessage';
import { useSession } from '../session';
import { asProblem, useResource } from '../useResource';
import { FormerMembers } from './FormerMembers';

/** Settings › Members: who belongs to the business, invitations sent and pending. */
export function Members() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const members = useResource(() => data(api.GET('/api/v1/members', { params: { query: { limit: 100 } } })), [api]);
  const invitations = useResource(() => data(api.GET('/api/v1/members/invitations')), [api]);
  const roles = useResource(() => data(api.GET('/api/v1/roles')), [api]);
  const [invite, setInvite] = useState({ email: '', role: 'member' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const date = (value?: string) => (value ? new Date(value).toLocaleDateString(i18n.language) : '');

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setSent(null);
    try {
      await data(api.POST('/api/v1/members', { body: invite }));
      setSent(invite.email);
      setInvite((v) => ({ ...v, email: '' }));
      invitations.reload();
    } catch (failure) {
      setProblem(asProblem(failure));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    try {
      await data(api.DELETE('/api/v1/members/invitations/{id}', { params: { path: { id } } }));
      invitations.reload();
    } catch (failure) {
      setProblem(asProblem(failure));
    }
  }

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">{t('members.title')}</h1>
      {members.problem && <ProblemMessage problem={members.problem} onRetry={members.reload} />}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="members-title">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('members.name')}</th>
              <th scope="col">{t('members.email')}</th>
              <th scope="col">{t('members.role')}</th>
              <th scope="col">{t('members.joined')}</th>
            </tr>
          </thead>
          <tbody>
            {members.data?.items?.map((m) => (
              <tr key={m.userId}>
                <td>{m.displayName}</td>
                <td>{m.email}</td>
                <td>{m.role}</td>
                <td>{date(m.joinedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('members.invite')}</h2>
      <form onSubmit={send} className="inline-form">
        <Field label={t('members.email')} type="email" required maxLength={254} value={invite.email} onChange={(e) => setInvite((v) => ({ ...v, email: e.target.value }))} error={fieldError(problem?.errors, 'email')} />
        <div className="field">
          <label htmlFor="invite-role">{t('members.role')}</label>
          <select id="invite-role" value={invite.role} onChange={(e) => setInvite((v) => ({ ...v, role: e.target.value }))}>
            {(roles.data ?? [{ name: 'member' }]).map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('members.inviting') : t('members.inviteSubmit')}
        </button>
      </form>
      {sent && <p role="status">{t('members.invited', { email: sent })}</p>}
      {problem && <ProblemMessage problem={problem} />}

      <h2>{t('members.pending')}</h2>
      {invitations.problem && <ProblemMessage problem={invitations.problem} onRetry={invitations.reload} />}
      {invitations.data?.length === 0 && <p>{t('members.none')}</p>}
      <ul className="list">
        {invitations.data?.map((i) => (
          <li key={i.id}>
            <span>
              {i.email} · {i.role} · {t('members.expires')} {date(i.expiresAt)}
            </span>
            <button type="button" onClick={() => void revoke(i.id!)} aria-label={`${t('members.revoke')} ${i.email}`}>
              {t('members.revoke')}
            </button>
          </li>
        ))}
      </ul>

      <FormerMembers />
    </section>
  );
}
