import { Navigate, NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { Forbidden } from '../NotFound';
import { mayOpen, SETTINGS } from './sections';

/** Settings: its own menu of the pages the caller may open, then the page. */
export function SettingsLayout() {
  const { t } = useTranslation();
  const { can } = useSession();
  const allowed = SETTINGS.filter((s) => mayOpen(can, s.permission));
  if (allowed.length === 0) {
    return <Forbidden />;
  }
  return (
    <div className="settings">
      <nav aria-label={t('settings.menu')} className="subnav">
        <ul>
          {allowed.map((s) => (
            <li key={s.path}>
              <NavLink to={`/settings/${s.path}`}>{t(s.label)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

/** /settings opens the first settings page the caller may see. */
export function SettingsIndex() {
  const { can } = useSession();
  const first = SETTINGS.find((s) => mayOpen(can, s.permission));
  return first ? <Navigate to={`/settings/${first.path}`} replace /> : <Forbidden />;
}
