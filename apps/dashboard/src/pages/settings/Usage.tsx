import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { data, type Schemas } from '../../api/client';
import { Field, SelectField } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const GROUPINGS = ['day', 'user', 'model'] as const;
type Group = Schemas['Group'];

function monthStart(offset = 0) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

/** Settings › Usage: tokens and cost by day, user or model, as a chart and as a table. */
export function Usage() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const [range, setRange] = useState({ from: monthStart(), to: monthStart(1), groupBy: 'day' });
  const report = useResource(
    () => data(api.GET('/api/v1/usage', { params: { query: { from: range.from, to: range.to, groupBy: range.groupBy } } })),
    [api, range.from, range.to, range.groupBy],
  );
  const members = useResource(() => data(api.GET('/api/v1/members', { params: { query: { limit: 100 } } })), [api]);
  const number = (n?: number) => new Intl.NumberFormat(i18n.language).format(n ?? 0);
  const names = new Map((members.data?.items ?? []).map((m) => [m.userId!, m.displayName ?? m.email!]));
  const label = (g: Group) => (range.groupBy === 'user' ? (names.get(g.key!) ?? g.key!) : g.key!);
  const r = report.data;
  const groups = r?.groups ?? [];

  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">{t('usage.title')}</h1>
      <form className="filters" aria-label={t('usage.range')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('usage.from')} type="date" value={range.from} onChange={(e) => e.target.value && setRange((v) => ({ ...v, from: e.target.value }))} />
        <Field label={t('usage.to')} type="date" value={range.to} onChange={(e) => e.target.value && setRange((v) => ({ ...v, to: e.target.value }))} />
        <SelectField
          label={t('usage.groupBy')}
          value={range.groupBy}
          onChange={(groupBy) => setRange((v) => ({ ...v, groupBy }))}
          options={GROUPINGS.map((g) => ({ value: g, label: t(`usage.by.${g}`) }))}
        />
      </form>
      {report.problem && <ProblemMessage problem={report.problem} onRetry={report.reload} />}
      {r && (
        <>
          <dl className="facts">
            <dt>{t('usage.tokens')}</dt>
            <dd>{t('usage.inOut', { input: number(r.inputTokens), output: number(r.outputTokens) })}</dd>
            <dt>{t('usage.cost')}</dt>
            <dd>{r.cost ?? 0}</dd>
            <dt>{t('usage.thisMonth')}</dt>
            <dd>
              {r.monthlyTokenBudget
                ? t('usage.ofBudget', { used: number(r.usedThisMonth), budget: number(r.monthlyTokenBudget) })
                : number(r.usedThisMonth)}
            </dd>
          </dl>
          {groups.length === 0 ? (
            <p>{t('usage.none')}</p>
          ) : (
            <>
              <UsageChart
                groups={groups}
                labels={groups.map(label)}
                input={t('usage.input')}
                output={t('usage.output')}
                summary={t('usage.chart', { by: t(`usage.by.${range.groupBy}`) })}
              />
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('usage.table')}>
                <table>
                  <caption className="visually-hidden">{t('usage.table')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t(`usage.by.${range.groupBy}`)}</th>
                      <th scope="col">{t('usage.answers')}</th>
                      <th scope="col">{t('usage.input')}</th>
                      <th scope="col">{t('usage.output')}</th>
                      <th scope="col">{t('usage.cost')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {groups.map((g) => (
                      <tr key={g.key}>
                        <th scope="row">{label(g)}</th>
                        <td>{number(g.answers)}</td>
                        <td>{number(g.inputTokens)}</td>
                        <td>{number(g.outputTokens)}</td>
                        <td>{g.cost ?? 0}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** Input and output tokens per group, stacked bars (Chart.js); the table below says the same. */
function UsageChart({
  groups,
  labels,
  input,
  output,
  summary,
}: {
  groups: Group[];
  labels: string[];
  input: string;
  output: string;
  summary: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: input, data: groups.map((g) => g.inputTokens ?? 0), backgroundColor: '#1d4ed8' },
          { label: output, data: groups.map((g) => g.outputTokens ?? 0), backgroundColor: '#f59e0b' },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      },
    });
    return () => chart.destroy();
    // labels: a new array at each render, the same names
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [groups, labels.join('\n'), input, output]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={summary} data-testid="usage-chart" />
    </div>
  );
}
