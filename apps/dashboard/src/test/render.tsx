import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { User } from 'oidc-client-ts';
import { AuthContext, type Auth } from '../auth/auth';
import { SessionContext, type Session } from '../session';
import { apiClient, type Schemas } from '../api/client';
import '../i18n';

/** A signed-in caller with these permissions, for components that read the session. */
export function renderSignedIn(
  ui: ReactElement,
  { permissions = [] as string[], path = '/', fetcher = (() => Promise.reject(new Error('no API in this test'))) as typeof fetch } = {},
) {
  const me: Schemas['Me'] = {
    principalType: 'user',
    user: { id: 'u1', email: 'ada@example.com', displayName: 'Ada' },
    tenant: { id: 't1', name: 'Acme', plan: 'free' },
    roles: ['member'],
    permissions,
  };
  const auth: Auth = {
    user: { access_token: 'token-1', profile: { name: 'Ada' } } as unknown as User,
    token: () => 'token-1',
    signIn: async () => {},
    signOut: async () => {},
    forget: async () => {},
    completeSignIn: async () => '/',
  };
  const session: Session = {
    api: apiClient(() => 'token-1', fetcher),
    token: () => 'token-1',
    me,
    problem: null,
    can: (p) => permissions.includes(p),
  };
  return render(
    <AuthContext.Provider value={auth}>
      <SessionContext.Provider value={session}>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </SessionContext.Provider>
    </AuthContext.Provider>,
  );
}
