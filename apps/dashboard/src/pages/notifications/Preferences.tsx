import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, SelectField, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

const DELIVERIES = ['in-app', 'email', 'both', 'none'] as const;
type Digest = Schemas['DigestPreference'];

/** My notification choices: where each kind goes, and the daily digest of emails. */
export function Preferences() {
  const { t } = useTranslation();
  const { api } = useSession();
  const prefs = useResource(() => data(api.GET('/api/v1/notification-preferences')), [api]);
  const [kinds, setKinds] = useState<Record<string, string>>({});
  const [digest, setDigest] = useState<Digest>({ enabled: false, hour: 8, timeZone: 'UTC' });
  const [saved, setSaved] = useState(false);
  const { busy, problem, run } = useSubmit();
  const p = prefs.data;
  useEffect(() => {
    if (p) {
      setKinds(Object.fromEntries((p.kinds ?? []).map((k) => [k.kind!, k.delivery!])));
      setDigest(p.digest ?? { enabled: false, hour: 8, timeZone: 'UTC' });
    }
  }, [p]);
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

  function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const changed = Object.fromEntries(Object.entries(kinds).filter(([kind, delivery]) => p?.kinds?.find((k) => k.kind === kind)?.delivery !== delivery));
    void run(async () => {
      await data(api.PATCH('/api/v1/notification-preferences', { body: { kinds: changed, digest } }));
      setSaved(true);
      prefs.reload();
    });
  }

  return (
    <section aria-labelledby="preferences-title">
      <p>
        <Link to="/notifications">{t('preferences.back')}</Link>
      </p>
      <h1 id="preferences-title">{t('preferences.title')}</h1>
      {prefs.problem && <ProblemMessage problem={prefs.problem} onRetry={prefs.reload} />}
      <form onSubmit={save}>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="preferences-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('preferences.kind')}</th>
                <th scope="col">{t('preferences.delivery')}</th>
              </tr>
            </thead>
            <tbody>
              {p?.kinds?.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">
                    <label htmlFor={`kind-${k.kind}`}>{k.description}</label>
                  </th>
                  <td>
                    <select id={`kind-${k.kind}`} value={kinds[k.kind!] ?? k.delivery} onChange={(e) => setKinds((all) => ({ ...all, [k.kind!]: e.target.value }))}>
                      {DELIVERIES.map((d) => (
                        <option key={d} value={d}>
                          {t(`preferences.deliveries.${d}`)}
                          {d === k.defaultDelivery ? ` (${t('preferences.default')})` : ''}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <fieldset>
          <legend>{t('preferences.digest')}</legend>
          <label>
            <input type="checkbox" checked={digest.enabled ?? false} onChange={(e) => setDigest((d) => ({ ...d, enabled: e.target.checked }))} /> {t('preferences.digestOn')}
          </label>
          <SelectField
            label={t('preferences.hour')}
            value={String(digest.hour ?? 8)}
            onChange={(v) => setDigest((d) => ({ ...d, hour: Number(v) }))}
            options={Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }))}
            error={fieldError(problem?.errors, 'hour')}
          />
          <Field
            label={t('preferences.timeZone')}
            list="time-zones"
            value={digest.timeZone ?? ''}
            onChange={(e) => setDigest((d) => ({ ...d, timeZone: e.target.value }))}
            error={fieldError(problem?.errors, 'timeZone')}
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </fieldset>
        {problem && <ProblemMessage problem={problem} />}
        <button type="submit" className="primary" disabled={busy}>
          {t('preferences.save')}
        </button>
        {saved && <p role="status">{t('preferences.saved')}</p>}
      </form>
    </section>
  );
}
