import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';
import { Checkboxes } from './Checkboxes';

type Role = Schemas['Role'];
const EMPTY = { name: '', description: '', permissions: [] as string[] };

/** Settings › Roles: the built-in roles and the business's own, made from the permission catalog. */
export function Roles() {
  const { t } = useTranslation();
  const { api } = useSession();
  const roles = useResource(() => data(api.GET('/api/v1/roles')), [api]);
  const catalog = useResource(() => data(api.GET('/api/v1/roles/permissions')), [api]);
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState(EMPTY);
  const { busy, problem, run } = useSubmit();
  const [done, setDone] = useState<string | null>(null);

  function edit(role: Role) {
    setEditing(role.name!);
    setForm({ name: role.name!, description: role.description ?? '', permissions: role.permissions ?? [] });
    setDone(null);
  }

  function save(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const body = { name: form.name, description: form.description, permissions: form.permissions };
      if (editing) {
        await data(api.PUT('/api/v1/roles/{name}', { params: { path: { name: editing } }, body }));
      } else {
        await data(api.POST('/api/v1/roles', { body }));
      }
      setDone(t('roles.saved', { name: form.name }));
      setEditing(null);
      setForm(EMPTY);
      roles.reload();
    });
  }

  const remove = (name: string) =>
    run(async () => {
      if (window.confirm(t('roles.confirmDelete', { name }))) {
        await data(api.DELETE('/api/v1/roles/{name}', { params: { path: { name } } }));
        roles.reload();
      }
    });

  return (
    <section aria-labelledby="roles-title">
      <h1 id="roles-title">{t('roles.title')}</h1>
      {roles.problem && <ProblemMessage problem={roles.problem} onRetry={roles.reload} />}
      <ul className="list" aria-label={t('roles.title')}>
        {roles.data?.map((r) => (
          <li key={r.name}>
            <div>
              <p className="strong">
                {r.name} {r.builtin && <span className="badge">{t('roles.builtin')}</span>}
              </p>
              {r.description && <p className="doc-meta">{r.description}</p>}
              <p className="chips">
                {r.permissions?.map((p) => (
                  <code key={p}>{p}</code>
                ))}
              </p>
            </div>
            {!r.builtin && (
              <span className="doc-actions">
                <button type="button" onClick={() => edit(r)} aria-label={`${t('roles.edit')}: ${r.name}`}>
                  {t('roles.edit')}
                </button>
                <button type="button" onClick={() => void remove(r.name!)} aria-label={`${t('roles.delete')}: ${r.name}`}>
                  {t('roles.delete')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={save} aria-labelledby="role-form-title">
        <h2 id="role-form-title">{editing ? t('roles.editTitle', { name: editing }) : t('roles.new')}</h2>
        <Field
          label={t('roles.name')}
          hint={t('roles.nameHint')}
          required
          maxLength={40}
          disabled={editing !== null}
          value={form.name}
          onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
          error={fieldError(problem?.errors, 'name')}
        />
        <Field
          label={t('roles.description')}
          maxLength={200}
          value={form.description}
          onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))}
          error={fieldError(problem?.errors, 'description')}
        />
        <Checkboxes
          legend={t('roles.permissions')}
          options={catalog.data ?? []}
          chosen={form.permissions}
          onChange={(permissions) => setForm((f) => ({ ...f, permissions }))}
          error={fieldError(problem?.errors, 'permissions')}
        />
        {problem && <ProblemMessage problem={problem} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {editing ? t('roles.save') : t('roles.create')}
          </button>
          {editing && (
            <button type="button" onClick={() => (setEditing(null), setForm(EMPTY))}>
              {t('workflows.cancel')}
            </button>
          )}
        </div>
        {done && <p role="status">{done}</p>}
      </form>
    </section>
  );
}
