import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth/auth';
import { Layout } from './components/Layout';
import { ProblemMessage } from './components/ProblemMessage';
import { AcceptInvitation } from './pages/AcceptInvitation';
import { AuthCallback } from './pages/AuthCallback';
import { Landing } from './pages/Landing';
import { Forbidden, NotFound } from './pages/NotFound';
import { Signup } from './pages/Signup';
import { FeedProvider } from './notifications';
import { SessionProvider, useSession } from './session';
import { SETTINGS } from './pages/settings/sections';

// Pages of the signed-in app load when first opened: the first paint needs none of them.
const Home = lazy(() => import('./pages/Home').then((m) => ({ default: m.Home })));
const Documents = lazy(() => import('./pages/documents/Documents').then((m) => ({ default: m.Documents })));
const Ask = lazy(() => import('./pages/ask/Ask').then((m) => ({ default: m.Ask })));
const Search = lazy(() => import('./pages/search/Search').then((m) => ({ default: m.Search })));
const Notifications = lazy(() =>
  import('./pages/notifications/Notifications').then((m) => ({ default: m.Notifications })),
);
const Workflows = lazy(() => import('./pages/workflows/Workflows').then((m) => ({ default: m.Workflows })));
const Workflow = lazy(() => import('./pages/workflows/Workflow').then((m) => ({ default: m.Workflow })));
const Run = lazy(() => import('./pages/workflows/Run').then((m) => ({ default: m.Run })));
const Members = lazy(() => import('./pages/Members').then((m) => ({ default: m.Members })));
const Preferences = lazy(() => import('./pages/notifications/Preferences').then((m) => ({ default: m.Preferences })));
const settings = () => import('./pages/settings/pages');
const SettingsLayout = lazy(() => settings().then((m) => ({ default: m.SettingsLayout })));
const SettingsIndex = lazy(() => settings().then((m) => ({ default: m.SettingsIndex })));
const Roles = lazy(() => settings().then((m) => ({ default: m.Roles })));
const ApiKeys = lazy(() => settings().then((m) => ({ default: m.ApiKeys })));
const Webhooks = lazy(() => settings().then((m) => ({ default: m.Webhooks })));
const WebhookEndpoint = lazy(() => settings().then((m) => ({ default: m.WebhookEndpoint })));
const Audit = lazy(() => settings().then((m) => ({ default: m.Audit })));
const Model = lazy(() => settings().then((m) => ({ default: m.Model })));
const Usage = lazy(() => import('./pages/settings/Usage').then((m) => ({ default: m.Usage })));
const Evaluations = lazy(() => settings().then((m) => ({ default: m.Evaluations })));
const Retention = lazy(() => settings().then((m) => ({ default: m.Retention })));
const Export = lazy(() => settings().then((m) => ({ default: m.Export })));
const Erasure = lazy(() => settings().then((m) => ({ default: m.Erasure })));
const MyData = lazy(() => settings().then((m) => ({ default: m.MyData })));

/** Each settings page (the permission each needs is in SETTINGS; the API refuses the others anyway). */
const SETTINGS_PAGES: Record<(typeof SETTINGS)[number]['path'], ReactNode> = {
  members: <Members />,
  roles: <Roles />,
  'api-keys': <ApiKeys />,
  webhooks: <Webhooks />,
  audit: <Audit />,
  model: <Model />,
  usage: <Usage />,
  evaluations: <Evaluations />,
  retention: <Retention />,
  export: <Export />,
  erasure: <Erasure />,
  'my-data': <MyData />,
};

export function App() {
  const auth = useAuth();
  return (
    <Routes>
      <Route path="/auth/callback" element={<AuthCallback />} />
      <Route path="/signup" element={<Signup />} />
      <Route path="/accept-invitation" element={<AcceptInvitation />} />
      <Route path="*" element={auth.user ? <SignedIn /> : <Landing />} />
    </Routes>
  );
}

function SignedIn() {
  return (
    <SessionProvider>
      <FeedProvider>
        <Layout>
          <SessionGate>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<Home />} />
              <Route
                path="/ask/:conversationId?"
                element={
                  <Allowed permission="copilot:ask">
                    <Ask />
                  </Allowed>
                }
              />
              <Route
                path="/documents"
                element={
                  <Allowed permission="documents:read">
                    <Documents />
                  </Allowed>
                }
              />
              <Route
                path="/search"
                element={
                  <Allowed permission="search">
                    <Search />
                  </Allowed>
                }
              />
              <Route
                path="/notifications"
                element={
                  <Allowed permission="notifications:read">
                    <Notifications />
                  </Allowed>
                }
              />
              {(
                [
                  ['/workflows', <Workflows />],
                  ['/workflows/:id', <Workflow />],
                  ['/runs/:id', <Run />],
                ] as const
              ).map(([path, page]) => (
                <Route key={path} path={path} element={<Allowed permission="workflows:read">{page}</Allowed>} />
              ))}
              <Route
                path="/notifications/preferences"
                element={
                  <Allowed permission="notifications:read">
                    <Preferences />
                  </Allowed>
                }
              />
              <Route path="/documents/:id" element={<Navigate to="/documents" replace />} />
              <Route path="/settings" element={<SettingsLayout />}>
                <Route index element={<SettingsIndex />} />
                {SETTINGS.map(({ path, permission }) => (
                  <Route
                    key={path}
                    path={path}
                    element={permission === null ? SETTINGS_PAGES[path] : <Allowed permission={permission}>{SETTINGS_PAGES[path]}</Allowed>}
                  />
                ))}
                <Route
                  path="webhooks/:id"
                  element={
                    <Allowed permission="webhooks:manage">
                      <WebhookEndpoint />
                    </Allowed>
                  }
                />
              </Route>
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
          </SessionGate>
        </Layout>
      </FeedProvider>
    </SessionProvider>
  );
}

/** Waits for who the caller is; shows why if the API would not say. */
function SessionGate({ children }: { children: ReactNode }) {
  const { me, problem } = useSession();
  if (problem) {
    return <ProblemMessage problem={problem} onRetry={() => window.location.reload()} />;
  }
  return me ? <>{children}</> : <Loading />;
}

/** A page for those with the permission; others are told it is not for their role. */
export function Allowed({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useSession();
  return can(permission) ? <>{children}</> : <Forbidden />;
}

function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="loading">
      {t('app.loading')}
    </p>
  );
}
