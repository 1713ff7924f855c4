import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data } from '../../api/client';
import type { components } from '../../api/schema.gen';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

/** The kinds of data a tenant keeps for so many days, in the API's field names. */
export const KINDS = ['conversationsDays', 'runsDays', 'notificationsDays', 'deliveriesDays', 'auditLogDays'] as const;
type Kind = (typeof KINDS)[number];
type Form = Record<Kind, string>;
type Settings = components['schemas']['RetentionSettings'];

/** The API's body for the form: an empty field is left out, which keeps that kind for ever. */
export function retentionBody(form: Form): Partial<Record<Kind, number>> {
  return Object.fromEntries(KINDS.filter((k) => form[k].trim() !== '').map((k) => [k, Number(form[k])]));
}

/** Settings › Data retention: how many days each kind of the business's data is kept. */
export function Retention() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const settings = useResource(() => data(api.GET('/api/v1/tenant/retention')), [api]);
  const s = settings.data;
  return (
    <section aria-labelledby="retention-title">
      <h1 id="retention-title">{t('retention.title')}</h1>
      <p>{t('retention.intro')}</p>
      {settings.problem && <ProblemMessage problem={settings.problem} onRetry={settings.reload} />}
      {s?.updatedAt && <p className="hint">{t('retention.changed', { at: new Date(s.updatedAt).toLocaleString(i18n.language) })}</p>}
      {/* the form starts from the settings it shows once they came (typed before, a value would be lost) */}
      {s && <RetentionForm settings={s} onSaved={settings.reload} />}
    </section>
  );
}

function RetentionForm({ settings, onSaved }: { settings: Settings; onSaved: () => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [form, setForm] = useState<Form>(() => Object.fromEntries(KINDS.map((k) => [k, settings[k] == null ? '' : String(settings[k])])) as Form);
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, problem, run } = useSubmit();

  function save(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    void run(async () => {
      await data(api.PUT('/api/v1/tenant/retention', { body: retentionBody(form) }));
      setSaved(t('retention.saved'));
      onSaved();
    });
  }

  return (
    <form onSubmit={save} aria-labelledby="retention-form-title">
      <h2 id="retention-form-title">{t('retention.keep')}</h2>
      {KINDS.map((k) => (
        <Field
          key={k}
          label={t(`retention.kinds.${k}`)}
          hint={t('retention.hint')}
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          step={1}
          placeholder={t('retention.forever')}
          value={form[k]}
          onChange={(e) => {
            const value = e.target.value;
            setForm((f) => ({ ...f, [k]: value }));
          }}
          error={fieldError(problem?.errors, k)}
        />
      ))}
      {problem && <ProblemMessage problem={problem} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('retention.save')}
        </button>
      </div>
      {saved && <p role="status">{saved}</p>}
    </form>
  );
}
