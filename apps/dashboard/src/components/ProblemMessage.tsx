import { useTranslation } from 'react-i18next';
import type { Problem } from '../api/problem';

/** An API refusal as the user sees it: its title and detail, field errors, and the request id. */
export function ProblemMessage({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (problem.status === 0) {
    return (
      <div role="alert" className="problem">
        <p className="problem-title">{t('problem.unreachable')}</p>
        {onRetry && (
          <button type="button" onClick={onRetry}>
            {t('problem.retry')}
          </button>
        )}
      </div>
    );
  }
  return (
    <div role="alert" className="problem">
      <p className="problem-title">
        {problem.status === 403 ? t('problem.forbidden') : t('problem.refused')}: {problem.title}
      </p>
      {problem.detail && <p className="problem-detail">{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul className="problem-errors">
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      <p className="problem-meta">
        {t('problem.status', { status: problem.status })}
        {problem.requestId && <> · {t('problem.requestId', { id: problem.requestId })}</>}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('problem.retry')}
        </button>
      )}
    </div>
  );
}
