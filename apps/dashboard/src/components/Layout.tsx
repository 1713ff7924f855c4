import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth';
import { useSession } from '../session';
import { LanguagePicker } from './LanguagePicker';

/** A page of the signed-in app, offered in the nav only to those whose permissions allow it. */
export interface NavItem {
  path: string;
  label: string;
  permission?: string;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'nav.home' },
  { path: '/ask', label: 'nav.ask', permission: 'copilot:ask' },
  { path: '/documents', label: 'nav.documents', permission: 'documents:read' },
  { path: '/settings/members', label: 'nav.settings', permission: 'members:manage' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const { me, can } = useSession();
  const [open, setOpen] = useState(false);
  const items = NAV.filter((item) => !item.permission || can(item.permission));
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
