import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data } from '../../api/client';
import { Field, SelectField, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

const PROVIDERS = ['extractive', 'openai', 'anthropic'] as const;

/** Settings › Model: the copilot's provider for this business; the key is write-only. */
export function Model() {
  const { t } = useTranslation();
  const { api } = useSession();
  const settings = useResource(() => data(api.GET('/api/v1/copilot/settings')), [api]);
  const [form, setForm] = useState({ provider: 'extractive', model: '', baseUrl: '', apiKey: '', maxOutputTokens: '' });
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, problem, run } = useSubmit();
  const s = settings.data;
  useEffect(() => {
    if (s) {
      setForm({ provider: s.provider ?? 'extractive', model: s.model ?? '', baseUrl: s.baseUrl ?? '', apiKey: '', maxOutputTokens: s.maxOutputTokens ? String(s.maxOutputTokens) : '' });
    }
  }, [s]);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value }));

  function save(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    void run(async () => {
      await data(
        api.PUT('/api/v1/copilot/settings', {
          body: {
            provider: form.provider,
            ...(form.model && { model: form.model }),
            ...(form.baseUrl && { baseUrl: form.baseUrl }),
            ...(form.apiKey && { apiKey: form.apiKey }),
            ...(form.maxOutputTokens && { maxOutputTokens: Number(form.maxOutputTokens) }),
          },
        }),
      );
      setSaved(t('model.saved'));
      settings.reload();
    });
  }

  const reset = () =>
    run(async () => {
      await data(api.DELETE('/api/v1/copilot/settings'));
      setSaved(t('model.reset'));
      settings.reload();
    });

  const model = form.provider !== 'extractive';
  return (
    <section aria-labelledby="model-title">
      <h1 id="model-title">{t('model.title')}</h1>
      {settings.problem && <ProblemMessage problem={settings.problem} onRetry={settings.reload} />}
      {s && (
        <dl className="facts">
          <dt>{t('model.source')}</dt>
          <dd>{t(`model.sources.${s.source}`)}</dd>
          <dt>{t('model.provider')}</dt>
          <dd>{t(`model.providers.${s.provider}`)}</dd>
          {s.model && (
            <>
              <dt>{t('model.model')}</dt>
              <dd>{s.model}</dd>
            </>
          )}
          <dt>{t('model.apiKey')}</dt>
          <dd>{s.apiKeySet ? t('model.keyKept') : t('model.noKey')}</dd>
        </dl>
      )}
      <form onSubmit={save} aria-labelledby="model-form-title">
        <h2 id="model-form-title">{t('model.change')}</h2>
        <SelectField
          label={t('model.provider')}
          value={form.provider}
          onChange={(provider) => setForm((f) => ({ ...f, provider }))}
          options={PROVIDERS.map((p) => ({ value: p, label: t(`model.providers.${p}`) }))}
          error={fieldError(problem?.errors, 'provider')}
        />
        {model && (
          <>
            <Field label={t('model.model')} hint={t('model.modelHint')} maxLength={200} value={form.model} onChange={set('model')} error={fieldError(problem?.errors, 'model')} />
            <Field label={t('model.baseUrl')} hint={t('model.baseUrlHint')} type="url" maxLength={500} value={form.baseUrl} onChange={set('baseUrl')} error={fieldError(problem?.errors, 'baseUrl')} />
            <Field
              label={t('model.apiKey')}
              hint={s?.apiKeySet ? t('model.apiKeyKeepHint') : undefined}
              type="password"
              autoComplete="off"
              maxLength={500}
              value={form.apiKey}
              onChange={set('apiKey')}
              error={fieldError(problem?.errors, 'apiKey')}
            />
            <Field label={t('model.maxOutputTokens')} type="number" min={16} max={8000} value={form.maxOutputTokens} onChange={set('maxOutputTokens')} error={fieldError(problem?.errors, 'maxOutputTokens')} />
          </>
        )}
        {problem && <ProblemMessage problem={problem} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('model.save')}
          </button>
          {s?.source === 'tenant' && (
            <button type="button" disabled={busy} onClick={() => void reset()}>
              {t('model.useDefault')}
            </button>
          )}
        </div>
        {saved && <p role="status">{saved}</p>}
      </form>
    </section>
  );
}
