import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { Field, TextAreaField, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

interface Totals {
  questions?: number;
  answerable?: number;
  unanswerable?: number;
  correctness?: number;
  citationValidity?: number;
  citationSupport?: number;
  refusals?: number;
  wrongfulRefusals?: number;
}
interface Result {
  question?: string;
  answerable?: boolean;
  expected?: string;
  answer?: string;
  abstained?: boolean;
  correct?: boolean;
  citations?: number;
  validCitations?: number;
}

/** "question | expected fact" per line; a line without a fact is a question to be refused. */
export function parseQuestions(text: string): Schemas['EvaluationQuestion'][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [question, ...rest] = line.split('|');
      const expected = rest.join('|').trim();
      return { question: question!.trim(), ...(expected && { expected }) };
    });
}

/** How a question went: answered right or wrong, refused rightly or wrongly. */
export function verdict(r: Result) {
  if (r.answerable === false) {
    return r.abstained ? 'refusedRightly' : 'answeredWrongly';
  }
  return r.abstained ? 'refusedWrongly' : r.correct ? 'correct' : 'wrong';
}

/** Settings › Evaluations: a set of questions run through the copilot, scored. */
export function Evaluations() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const runs = useResource(() => data(api.GET('/api/v1/copilot/evaluations', { params: { query: { limit: 20 } } })), [api]);
  const [form, setForm] = useState({ name: '', questions: '' });
  const [shown, setShown] = useState<Schemas['EvaluationView'] | null>(null);
  const { busy, problem, run } = useSubmit();
  const percent = (n?: number) => new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 }).format(n ?? 0);
  const time = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');

  function start(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const made = await data(api.POST('/api/v1/copilot/evaluations', { body: { name: form.name || undefined, questions: parseQuestions(form.questions) } }));
      setShown(made);
      runs.reload();
    });
  }
  const open = (id: string) =>
    run(async () => setShown(await data(api.GET('/api/v1/copilot/evaluations/{id}', { params: { path: { id } } }))));

  const scores = (totals: Totals) =>
    t('evaluations.scores', {
      correct: percent(totals.correctness),
      valid: percent(totals.citationValidity),
      refused: percent(totals.refusals),
    });

  return (
    <section aria-labelledby="evaluations-title">
      <h1 id="evaluations-title">{t('evaluations.title')}</h1>
      <p>{t('evaluations.lead')}</p>
      {runs.problem && <ProblemMessage problem={runs.problem} onRetry={runs.reload} />}
      {runs.data?.items?.length === 0 && <p>{t('evaluations.none')}</p>}
      <ul className="list" aria-label={t('evaluations.runs')}>
        {runs.data?.items?.map((r) => (
          <li key={r.id}>
            <span>
              <span className="strong">{r.name || t('evaluations.unnamed')}</span>{' '}
              <span className="doc-meta">
                {time(r.createdAt)} · {r.answerer}
                {r.model && ` (${r.model})`}
              </span>
              <br />
              {scores(r.totals as Totals)}
            </span>
            <button type="button" onClick={() => void open(r.id!)} aria-label={`${t('evaluations.open')}: ${r.name || time(r.createdAt)}`}>
              {t('evaluations.open')}
            </button>
          </li>
        ))}
      </ul>

      <form onSubmit={start} aria-labelledby="evaluation-form-title">
        <h2 id="evaluation-form-title">{t('evaluations.new')}</h2>
        <Field label={t('evaluations.name')} maxLength={200} value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={fieldError(problem?.errors, 'name')} />
        <TextAreaField
          label={t('evaluations.questions')}
          hint={t('evaluations.questionsHint')}
          required
          rows={5}
          value={form.questions}
          onChange={(e) => setForm((f) => ({ ...f, questions: e.target.value }))}
          error={fieldError(problem?.errors, 'questions')}
        />
        {problem && <ProblemMessage problem={problem} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('evaluations.running') : t('evaluations.run')}
        </button>
      </form>

      {shown && (
        <section aria-labelledby="evaluation-title" className="card">
          <h2 id="evaluation-title">{shown.name || t('evaluations.unnamed')}</h2>
          <p role="status">{scores(shown.totals as Totals)}</p>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="evaluation-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('evaluations.question')}</th>
                  <th scope="col">{t('evaluations.expected')}</th>
                  <th scope="col">{t('evaluations.verdict')}</th>
                  <th scope="col">{t('evaluations.citations')}</th>
                </tr>
              </thead>
              <tbody>
                {((shown.results ?? []) as Result[]).map((r, i) => (
                  <tr key={i}>
                    <td>{r.question}</td>
                    <td>{r.expected ?? t('evaluations.toRefuse')}</td>
                    <td>{t(`evaluations.verdicts.${verdict(r)}`)}</td>
                    <td>
                      {r.validCitations ?? 0} / {r.citations ?? 0}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </section>
  );
}
