import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Api, type Schemas } from '../../api/client';
import { ProblemError } from '../../api/problem';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

type Erasure = Schemas['Erasure'];

/** The erasure asked for the business, or null when none was (the API answers 404). */
export async function currentErasure(api: Api): Promise<Erasure | null> {
  try {
    return await data(api.GET('/api/v1/tenant/erasure'));
  } catch (e) {
    if (e instanceof ProblemError && e.problem.status === 404) {
      return null;
    }
    throw e;
  }
}

/** Whether the name typed confirms the erasure: the business's name exactly, as the API wants it. */
export function confirms(typed: string, name: string | undefined): boolean {
  return name !== undefined && name !== '' && typed === name;
}

/**
 * Settings › Delete the business: an owner asks for the business's erasure, typing its name; it is
 * done after the grace period, in which the page says when and can cancel it.
 */
export function Erasure() {
  const { t, i18n } = useTranslation();
  const { api, me } = useSession();
  const erasure = useResource(() => currentErasure(api), [api]);
  const cancel = useSubmit();
  const at = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString(i18n.language) : '');
  return (
    <section aria-labelledby="erasure-title">
      <h1 id="erasure-title">{t('erasure.title')}</h1>
      {erasure.problem && <ProblemMessage problem={erasure.problem} onRetry={erasure.reload} />}
      {erasure.data && (
        <div role="alert">
          <p>{t('erasure.due', { at: at(erasure.data.erasesAt), asked: at(erasure.data.requestedAt) })}</p>
          {cancel.problem && <ProblemMessage problem={cancel.problem} />}
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={cancel.busy}
              onClick={() =>
                void cancel.run(async () => {
                  await data(api.DELETE('/api/v1/tenant/erasure'));
                  erasure.reload();
                })
              }
            >
              {t('erasure.cancel')}
            </button>
          </div>
        </div>
      )}
      {erasure.data === null && <AskForm name={me?.tenant?.name} onAsked={erasure.reload} />}
    </section>
  );
}

function AskForm({ name, onAsked }: { name: string | undefined; onAsked: () => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [typed, setTyped] = useState('');
  const { busy, problem, run } = useSubmit();

  function ask(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await data(api.DELETE('/api/v1/tenant', { body: { confirm: typed } }));
      onAsked();
    });
  }

  return (
    <form onSubmit={ask} aria-labelledby="erasure-ask-title">
      <h2 id="erasure-ask-title">{t('erasure.ask')}</h2>
      <p>{t('erasure.what')}</p>
      <p>{t('erasure.grace')}</p>
      <Field
        label={t('erasure.confirm', { name: name ?? '' })}
        value={typed}
        autoComplete="off"
        onChange={(e) => setTyped(e.target.value)}
        error={fieldError(problem?.errors, 'confirm')}
      />
      {problem && <ProblemMessage problem={problem} />}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy || !confirms(typed, name)}>
          {t('erasure.submit')}
        </button>
      </div>
    </form>
  );
}
