import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, SelectField, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

type Template = Schemas['Template'];

/** A definition to start from when no template fits: run by hand, it tells its starter. */
const BLANK = {
  trigger: { type: 'manual' },
  steps: [{ id: 'tell', type: 'notify', inputs: { channel: 'in-app', title: 'Hello from a workflow' } }],
} as Schemas['Definition'];

/** Workflows: the tenant's workflows, and the template gallery to make one from. */
export function Workflows() {
  const { t, i18n } = useTranslation();
  const { api, can } = useSession();
  const workflows = useResource(() => data(api.GET('/api/v1/workflows', { params: { query: { limit: 100 } } })), [api]);
  const templates = useResource(() => data(api.GET('/api/v1/workflow-templates')), [api]);
  const [chosen, setChosen] = useState<string | null>(null);
  const manage = can('workflows:manage');
  const date = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');

  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">{t('workflows.title')}</h1>
      {workflows.problem && <ProblemMessage problem={workflows.problem} onRetry={workflows.reload} />}
      {workflows.data?.items?.length === 0 && <p>{t('workflows.none')}</p>}
      <ul className="list" aria-label={t('workflows.list')}>
        {workflows.data?.items?.map((w) => (
          <li key={w.id}>
            <span>
              <Link to={`/workflows/${w.id}`} className="strong">
                {w.name}
              </Link>{' '}
              <span className="doc-meta">
                {t('workflows.version', { version: w.version })} · {t('workflows.updated', { when: date(w.updatedAt) })}
              </span>
            </span>
            <span className={w.enabled ? 'badge badge-indexed' : 'badge'}>
              {w.enabled ? t('workflows.enabled') : t('workflows.disabled')}
            </span>
          </li>
        ))}
      </ul>

      {manage && (
        <>
          <h2 id="gallery-title">{t('workflows.gallery')}</h2>
          {templates.problem && <ProblemMessage problem={templates.problem} onRetry={templates.reload} />}
          <ul className="cards gallery" aria-labelledby="gallery-title">
            {[...(templates.data ?? []), { id: '', name: t('workflows.blank'), description: t('workflows.blankDescription'), parameters: [] }].map(
              (template) => (
                <li key={template.id} className="card">
                  <h3>{template.name}</h3>
                  <p>{template.description}</p>
                  {chosen === template.id ? (
                    <FromTemplate template={template} onCancel={() => setChosen(null)} />
                  ) : (
                    <button type="button" onClick={() => setChosen(template.id!)} aria-label={`${t('workflows.use')}: ${template.name}`}>
                      {t('workflows.use')}
                    </button>
                  )}
                </li>
              ),
            )}
          </ul>
        </>
      )}
    </section>
  );
}

/** The form that makes a workflow from a template: its name and the template's parameters. */
function FromTemplate({ template, onCancel }: { template: Template; onCancel: () => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const navigate = useNavigate();
  const collections = useResource(() => data(api.GET('/api/v1/collections')), [api]);
  const [name, setName] = useState(template.name ?? '');
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries((template.parameters ?? []).map((p) => [p.name!, p.defaultValue ?? ''])),
  );
  const { busy, problem, run } = useSubmit();
  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));

  function create(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const parameters = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
      const body = template.id ? { name, template: template.id, parameters } : { name, definition: BLANK };
      const made = await data(api.POST('/api/v1/workflows', { body }));
      navigate(`/workflows/${made.id}`);
    });
  }

  return (
    <form onSubmit={create} aria-label={t('workflows.fromTemplate', { name: template.name })}>
      <Field label={t('workflows.name')} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(problem?.errors, 'name')} />
      {(template.parameters ?? []).map((p) => {
        const error = fieldError(problem?.errors, `parameters.${p.name}`);
        const label = `${p.name}${p.required ? '' : ` (${t('workflows.optional')})`}`;
        return p.type === 'collection' ? (
          <SelectField
            key={p.name}
            label={label}
            hint={p.description}
            value={values[p.name!] ?? ''}
            onChange={(v) => set(p.name!, v)}
            all={t('workflows.chooseCollection')}
            options={(collections.data ?? []).map((c) => ({ value: c.id!, label: c.name! }))}
            error={error}
          />
        ) : (
          <Field
            key={p.name}
            label={label}
            hint={p.description}
            type={p.type === 'url' ? 'url' : 'text'}
            required={p.required}
            value={values[p.name!] ?? ''}
            onChange={(e) => set(p.name!, e.target.value)}
            error={error}
          />
        );
      })}
      {problem && <ProblemMessage problem={problem} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('workflows.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('workflows.cancel')}
        </button>
      </div>
    </form>
  );
}
