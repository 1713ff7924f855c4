import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth';
import { useSession } from '../session';
import { useFeed } from '../notifications';
import { LanguagePicker } from './LanguagePicker';

/** A page of the signed-in app, offered in the nav only to those whose permissions allow it. */
export interface NavItem {
  path: string;
  label: string;
  /** the permission needed, or a list of which any one will do */
  permission?: string | readonly string[];
}

export const NAV: NavItem[] = [
  { path: '/', label: 'nav.home' },
  { path: '/ask', label: 'nav.ask', permission: 'copilot:ask' },
  { path: '/documents', label: 'nav.documents', permission: 'documents:read' },
  { path: '/search', label: 'nav.search', permission: 'search' },
  { path: '/workflows', label: 'nav.workflows', permission: 'workflows:read' },
  // every person has a settings page of their own (Your data)
  { path: '/settings', label: 'nav.settings' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const { me, can } = useSession();
  const [open, setOpen] = useState(false);
  const items = NAV.filter((item) => !item.permission || [item.permission].flat().some(can));
  const name = me?.user?.displayName ?? auth.user?.profile.name ?? '';
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {t('app.menu')}
        </button>
        <nav id="main-nav" aria-label={t('nav.main')} className={open ? 'nav open' : 'nav'}>
          <ul>
            {items.map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'} onClick={() => setOpen(false)}>
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <Bell />
          <LanguagePicker />
          <span className="who" title={t('app.signedInAs', { name })}>
            {name}
          </span>
          <button type="button" onClick={() => void auth.signOut()}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** The bell: the live unread count, leading to the feed. */
function Bell() {
  const { t } = useTranslation();
  const feed = useFeed();
  if (!feed) {
    return null;
  }
  return (
    <NavLink to="/notifications" className="bell" aria-label={t('notifications.bell', { count: feed.unread })}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {feed.unread > 0 && (
        <span className="bell-count" data-testid="unread">
          {feed.unread > 99 ? '99+' : feed.unread}
        </span>
      )}
    </NavLink>
  );
}
