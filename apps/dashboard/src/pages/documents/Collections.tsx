import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import type { Problem } from '../../api/problem';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { asProblem } from '../../useResource';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The tenant's collections with who may read and write each; a new one for writers. */
export function Collections({
  collections,
  problem,
  onChanged,
}: {
  collections: Schemas['Collection'][];
  problem: Problem | null;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { api, can } = useSession();
  const [form, setForm] = useState({ name: '', description: '', readRoles: '', writeRoles: '' });
  const [refused, setRefused] = useState<Problem | null>(null);
  const who = (roles?: string[], users?: string[]) =>
    [...(roles ?? []), ...(users ?? [])].join(', ') || t('collections.everyone');

  async function create(e: FormEvent) {
    e.preventDefault();
    setRefused(null);
    try {
      await data(
        api.POST('/api/v1/collections', {
          body: {
            name: form.name,
            description: form.description,
            readRoles: list(form.readRoles),
            writeRoles: list(form.writeRoles),
          },
        }),
      );
      setForm({ name: '', description: '', readRoles: '', writeRoles: '' });
      onChanged();
    } catch (failure) {
      setRefused(asProblem(failure));
    }
  }

  return (
    <section aria-labelledby="collections-title">
      <h2 id="collections-title">{t('collections.title')}</h2>
      {problem && <ProblemMessage problem={problem} onRetry={onChanged} />}
      <ul className="list">
        {collections.map((c) => (
          <li key={c.id}>
            <span>
              <strong>{c.name}</strong>
              {c.description && <> · {c.description}</>}
            </span>
            <span className="doc-meta">
              {t('collections.read')}: {who(c.readRoles, c.readUsers)} · {t('collections.write')}:{' '}
              {who(c.writeRoles, c.writeUsers)}
            </span>
          </li>
        ))}
      </ul>
      {can('documents:write') && (
        <form onSubmit={create} aria-label={t('collections.new')}>
          <h3>{t('collections.new')}</h3>
          <Field label={t('collections.name')} required maxLength={80} value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={fieldError(refused?.errors, 'name')} />
          <Field label={t('collections.description')} maxLength={500} value={form.description} onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))} />
          <Field label={t('collections.readRoles')} hint={t('collections.rolesHint')} value={form.readRoles} onChange={(e) => setForm((f) => ({ ...f, readRoles: e.target.value }))} />
          <Field label={t('collections.writeRoles')} hint={t('collections.rolesHint')} value={form.writeRoles} onChange={(e) => setForm((f) => ({ ...f, writeRoles: e.target.value }))} />
          {refused && <ProblemMessage problem={refused} />}
          <button type="submit" className="primary">
            {t('collections.create')}
          </button>
        </form>
      )}
    </section>
  );
}
