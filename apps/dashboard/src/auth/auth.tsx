import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { ClientConfig } from '../config';
import i18n from '../i18n';

/**
 * Sign-in with OpenID Connect (authorization code + PKCE) against Keycloak's dashboard client.
 * Tokens live in the tab's sessionStorage (never localStorage): a reload keeps the session without
 * a round trip to Keycloak, and closing the tab ends it there. An expired access token is renewed
 * with the refresh token; when that fails, a tab that was signed in signs in again through
 * Keycloak's session, without the form (decision 0009).
 */
export interface Auth {
  user: User | null;
  /** The access token for the API, or null when signed out. */
  token: () => string | null;
  signIn: (options?: { loginHint?: string; returnTo?: string }) => Promise<void>;
  signOut: () => Promise<void>;
  /**
   * Forgets the user here without going by Keycloak: their account is gone (they left the
   * business), so there is no Keycloak session to end.
   */
  forget: () => Promise<void>;
  /** Finishes the redirect back from Keycloak; returns where the user wanted to go. */
  completeSignIn: () => Promise<string>;
}

const SIGNED_IN = 'copilot.signed-in';
const AuthContext = createContext<Auth | null>(null);

export function userManager(config: ClientConfig, origin = window.location.origin): UserManager {
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}/auth/callback`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile email',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // renews with the refresh token shortly before the access token expires
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    monitorSession: false,
  });
}

export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const loaded = (u: User) => setUser(u);
    const gone = () => setUser(null);
    const renewFailed = () => {
      // the Keycloak session ended (or the refresh token was refused): sign in again
      sessionStorage.removeItem(SIGNED_IN);
      setUser(null);
    };
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(gone);
    manager.events.addSilentRenewError(renewFailed);
    manager
      .getUser()
      .then((u) => {
        if (u && u.expired && u.refresh_token) {
          // back after a while: the refresh token renews it (or the tab signs in again)
          return manager.signinSilent().catch(() => null);
        }
        return u && !u.expired ? u : null;
      })
      .then((u) => {
        setUser(u);
        setReady(true);
      });
    return () => {
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(gone);
      manager.events.removeSilentRenewError(renewFailed);
    };
  }, [manager]);

  const signIn = useCallback(
    async (options?: { loginHint?: string; returnTo?: string }) => {
      const returnTo = options?.returnTo ?? window.location.pathname + window.location.search;
      // Keycloak's pages in the language the dashboard speaks
      await manager.signinRedirect({ login_hint: options?.loginHint, ui_locales: i18n.language, state: { returnTo } });
    },
    [manager],
  );

  const signOut = useCallback(async () => {
    sessionStorage.removeItem(SIGNED_IN);
    const current = await manager.getUser();
    await manager.removeUser();
    await manager.signoutRedirect({ id_token_hint: current?.id_token });
  }, [manager]);

  const forget = useCallback(async () => {
    sessionStorage.removeItem(SIGNED_IN);
    await manager.removeUser();
    setUser(null);
  }, [manager]);

  const completeSignIn = useCallback(async () => {
    const signedIn = await manager.signinRedirectCallback();
    sessionStorage.setItem(SIGNED_IN, '1');
    setUser(signedIn);
    const state = signedIn.state as { returnTo?: string } | undefined;
    const returnTo = state?.returnTo;
    return returnTo && returnTo.startsWith('/') && !returnTo.startsWith('/auth/') ? returnTo : '/';
  }, [manager]);

  const value = useMemo<Auth>(
    () => ({ user, token: () => user?.access_token ?? null, signIn, signOut, forget, completeSignIn }),
    [user, signIn, signOut, forget, completeSignIn],
  );
  if (!ready) {
    return null;
  }
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) {
    throw new Error('useAuth outside AuthProvider');
  }
  return auth;
}

/** Whether this tab was signed in before, though its tokens are gone (expired, not renewable). */
export function wasSignedIn(): boolean {
  return sessionStorage.getItem(SIGNED_IN) === '1';
}

export { AuthContext };
