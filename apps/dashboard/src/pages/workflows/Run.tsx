import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { TextAreaField } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useFeed } from '../../notifications';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

type Step = Schemas['StepView'];
interface Approval {
  approvers?: string[];
  title?: string;
  body?: string;
  expiresAt?: string;
  decision?: string;
  decidedBy?: string;
  comment?: string;
}

/** How often a running run is read again: a step's work takes seconds, a wait for approval days. */
const RUNNING_REFRESH_MS = 1500;

/** Calls `then` when `value` changes after the first render (the first load is the resource's). */
function useOnChange(value: unknown, then: () => void) {
  const last = useRef(value);
  useEffect(() => {
    if (last.current !== value) {
      last.current = value;
      then();
    }
  }, [value, then]);
}

export function StatusBadge({ status }: { status?: string }) {
  const { t } = useTranslation();
  const tone = status === 'succeeded' ? 'badge-indexed' : status === 'failed' ? 'badge-failed' : '';
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {t(`run.status.${status ?? 'running'}`)}
    </span>
  );
}

/** One run: its steps as a timeline (inputs, outputs, attempts, errors), and what can be done. */
export function Run() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { api, can } = useSession();
  const feed = useFeed();
  const run = useResource(() => data(api.GET('/api/v1/runs/{id}', { params: { path: { id } } })), [api, id]);
  const approvals = useResource(() => data(api.GET('/api/v1/runs/{id}/approvals', { params: { path: { id } } })), [api, id]);
  const act = useSubmit();
  const [comment, setComment] = useState('');
  const r = run.data;
  const status = r?.status;
  const reload = run.reload;
  const reloadApprovals = approvals.reload;

  // a running run is read again until it stops; a notification about it reads it at once
  useEffect(() => {
    if (status !== 'running') {
      return;
    }
    const timer = setTimeout(reload, RUNNING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [status, r, reload]);
  const told = feed?.items.filter((n) => n.link === `/runs/${id}`).length ?? 0;
  useOnChange(told, reload);
  // a run that starts or stops waiting has an approval more, or one decided
  useOnChange(status, reloadApprovals);

  if (run.problem) {
    return <ProblemMessage problem={run.problem} onRetry={run.reload} />;
  }
  if (!r) {
    return <p className="loading">{t('app.loading')}</p>;
  }
  const time = (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : '');
  // a cancelled run's approval step still reads waiting: only a waiting run asks for a decision
  const waiting = r.status === 'waiting' ? (approvals.data ?? []).filter((a) => a.status === 'waiting') : [];
  const decided = (approvals.data ?? []).filter((a) => a.status !== 'waiting');
  const runs = can('workflows:run');

  const decide = (decision: 'approve' | 'reject') => (e?: FormEvent) => {
    e?.preventDefault();
    void act.run(async () => {
      await data(api.POST('/api/v1/runs/{id}/approvals', { params: { path: { id } }, body: { decision, ...(comment && { comment }) } }));
      setComment('');
      reload();
      reloadApprovals();
    });
  };
  const simple = (path: '/api/v1/runs/{id}/retry' | '/api/v1/runs/{id}/cancel') =>
    act.run(async () => {
      await data(api.POST(path, { params: { path: { id } } }));
      reload();
    });

  return (
    <section aria-labelledby="run-title">
      <p>
        <Link to={`/workflows/${r.workflowId}`}>{t('run.back')}</Link>
      </p>
      <div className="title-row">
        <h1 id="run-title">{t('run.title', { when: time(r.createdAt) })}</h1>
        <StatusBadge status={r.status} />
      </div>
      <dl className="facts">
        <dt>{t('run.trigger')}</dt>
        <dd>{t(`workflow.triggers.${r.triggerType}`)}</dd>
        <dt>{t('run.version')}</dt>
        <dd>{r.version}</dd>
        <dt>{t('run.finished')}</dt>
        <dd>{r.finishedAt ? time(r.finishedAt) : '—'}</dd>
      </dl>
      {r.error && (
        <p className="error" role="alert">
          {r.error}
        </p>
      )}
      {act.problem && <ProblemMessage problem={act.problem} />}

      {waiting.map((a) => {
        const approval = a.approval as Approval;
        return (
          <form key={a.seq} className="card approval" onSubmit={decide('approve')} aria-labelledby={`approval-${a.seq}`}>
            <h2 id={`approval-${a.seq}`}>{t('run.approvalNeeded', { title: approval.title })}</h2>
            {approval.body && <p className="approval-body">{approval.body}</p>}
            <p className="doc-meta">{t('run.approvalUntil', { when: time(approval.expiresAt) })}</p>
            {runs && (
              <>
                <TextAreaField label={t('run.comment')} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
                <div className="actions">
                  <button type="submit" className="primary" disabled={act.busy}>
                    {t('run.approve')}
                  </button>
                  <button type="button" disabled={act.busy} onClick={() => decide('reject')()}>
                    {t('run.reject')}
                  </button>
                </div>
              </>
            )}
          </form>
        );
      })}

      {runs && (
        <div className="actions">
          {r.status === 'failed' && (
            <button type="button" className="primary" disabled={act.busy} onClick={() => void simple('/api/v1/runs/{id}/retry')}>
              {t('run.retry')}
            </button>
          )}
          {(r.status === 'running' || r.status === 'waiting') && (
            <button type="button" disabled={act.busy} onClick={() => void simple('/api/v1/runs/{id}/cancel')}>
              {t('run.cancel')}
            </button>
          )}
        </div>
      )}

      <h2 id="timeline-title">{t('run.steps')}</h2>
      <ol className="timeline" aria-labelledby="timeline-title">
        {(r.steps ?? []).map((s) => (
          <TimelineStep key={s.seq} step={s} time={time} />
        ))}
      </ol>

      {decided.length > 0 && (
        <>
          <h2>{t('run.decisions')}</h2>
          <ul className="list">
            {decided.map((a) => {
              const approval = a.approval as Approval;
              return (
                <li key={a.seq}>
                  {approval.title}: {t(`run.decision.${approval.decision ?? 'none'}`)}
                  {approval.comment && ` (${approval.comment})`}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function TimelineStep({ step, time }: { step: Step; time: (value?: string) => string }) {
  const { t } = useTranslation();
  const seconds =
    step.startedAt && step.finishedAt ? (new Date(step.finishedAt).getTime() - new Date(step.startedAt).getTime()) / 1000 : null;
  return (
    <li className={`timeline-step step-${step.status}`} data-step={step.stepId}>
      <div className="title-row">
        <h3>
          {step.stepId} <span className="doc-meta">({step.type})</span>
        </h3>
        <StatusBadge status={step.status} />
      </div>
      <p className="doc-meta">
        {time(step.startedAt)}
        {seconds !== null && ` · ${t('run.took', { seconds: seconds.toFixed(1) })}`}
        {` · ${t('run.attempts', { count: step.attempts ?? 0 })}`}
        {step.nextAttemptAt && ` · ${t('run.nextAttempt', { when: time(step.nextAttemptAt) })}`}
      </p>
      {step.error && (
        <p className="error">
          {step.errorCode && <code>{step.errorCode}</code>} {step.error}
        </p>
      )}
      <details>
        <summary>{t('run.input')}</summary>
        <pre className="code">{JSON.stringify(step.input ?? null, null, 2)}</pre>
      </details>
      <details>
        <summary>{t('run.output')}</summary>
        <pre className="code">{JSON.stringify(step.output ?? null, null, 2)}</pre>
      </details>
    </li>
  );
}
