import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { data, type Schemas } from '../../api/client';
import { saveDownload } from '../../api/originals';
import type { Problem } from '../../api/problem';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';

type TenantExport = Schemas['TenantExport'];

/** How often the list is asked again while an export is being built. */
export const BUILDING_POLL_MS = 3000;

/** Whether any export of the list is still being built (the page then looks again shortly). */
export function building(items: TenantExport[] | undefined): boolean {
  return (items ?? []).some((e) => e.status === 'building');
}

/** The archive's file name: the business and the day it was asked, as a person keeps it. */
export function archiveName(e: TenantExport): string {
  return `smb-copilot-export-${(e.requestedAt ?? '').slice(0, 10) || e.id}.zip`;
}

/** A size in bytes as people read it (kB, MB), in the page's language. */
export function readableSize(bytes: number | null | undefined, language: string): string {
  if (bytes == null) {
    return '';
  }
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toLocaleString(language, { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}

/** What an export page gives the list: how to load the exports and ask for one, and its words. */
interface ExportsProps {
  load: () => Promise<{ items?: TenantExport[] }>;
  request: () => Promise<unknown>;
  /** The label of the button that asks. */
  askLabel: string;
  /** The archive's file name. */
  fileName: (e: TenantExport) => string;
}

/**
 * The exports of a page, asked for and downloaded there: the list looks again while one is being
 * built, and a ready one is saved under its file name.
 */
export function Exports({ load, request, askLabel, fileName }: ExportsProps) {
  const { t, i18n } = useTranslation();
  const { token } = useSession();
  const exports = useResource(load, [load]);
  const ask = useSubmit();
  const [saving, setSaving] = useState<Problem | null>(null);
  const items = exports.data?.items;
  const reload = exports.reload;
  useEffect(() => {
    if (!building(items)) {
      return undefined;
    }
    const next = setTimeout(reload, BUILDING_POLL_MS);
    return () => clearTimeout(next);
  }, [items, reload]);
  const at = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(i18n.language) : '');

  async function download(e: TenantExport) {
    setSaving(await saveDownload(e.archive!, fileName(e), token()));
  }

  return (
    <>
      {ask.problem && <ProblemMessage problem={ask.problem} />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={ask.busy || building(items)}
          onClick={() =>
            void ask.run(async () => {
              await request();
              reload();
            })
          }
        >
          {askLabel}
        </button>
      </div>
      {exports.problem && <ProblemMessage problem={exports.problem} onRetry={reload} />}
      {saving && <ProblemMessage problem={saving} />}
      {items && items.length === 0 && <p className="hint">{t('export.none')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('export.list')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('export.requestedAt')}</th>
                <th scope="col">{t('export.status')}</th>
                <th scope="col">{t('export.size')}</th>
                <th scope="col">{t('export.expiresAt')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('export.download')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{at(e.requestedAt)}</td>
                  <td>
                    {t(`export.statuses.${e.status ?? 'building'}`)}
                    {e.error && <span className="hint"> {e.error}</span>}
                  </td>
                  <td>{readableSize(e.sizeBytes, i18n.language)}</td>
                  <td>{e.status === 'ready' ? at(e.expiresAt) : ''}</td>
                  <td>
                    {e.status === 'ready' && e.archive && (
                      <button type="button" onClick={() => void download(e)}>
                        {t('export.download')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/**
 * Settings › Export: an owner asks for an archive of everything the business keeps; it is built in
 * the background (the page looks again until it is ready, and a notification links here), then
 * downloaded until it expires.
 */
export function Export() {
  const { t } = useTranslation();
  const { api } = useSession();
  const load = useCallback(() => data(api.GET('/api/v1/tenant/exports')), [api]);
  const request = useCallback(() => data(api.POST('/api/v1/tenant/export')), [api]);
  return (
    <section aria-labelledby="export-title">
      <h1 id="export-title">{t('export.title')}</h1>
      <p>{t('export.what')}</p>
      <Exports load={load} request={request} askLabel={t('export.ask')} fileName={archiveName} />
    </section>
  );
}
