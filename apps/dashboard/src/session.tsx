import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { apiClient, data, type Api, type Schemas } from './api/client';
import { ProblemError, type Problem } from './api/problem';
import { useAuth } from './auth/auth';

/** The signed-in caller: the API client, who they are, and what they may do. */
export interface Session {
  api: Api;
  /** The access token current now (renewals included), for requests the client does not make. */
  token: () => string | null;
  me: Schemas['Me'] | null;
  problem: Problem | null;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const [me, setMe] = useState<Schemas['Me'] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // one client for the session; it reads the token current at each request (renewals included)
  const tokenRef = useRef(auth.token);
  useEffect(() => {
    tokenRef.current = auth.token;
  }, [auth.token]);
  const token = useMemo(() => () => tokenRef.current(), []);
  const api = useMemo(() => apiClient(token), [token]);
  const signedIn = auth.user !== null;

  useEffect(() => {
    if (!signedIn) {
      setMe(null);
      return;
    }
    let live = true;
    data(api.GET('/api/v1/me'))
      .then((found) => live && (setMe(found), setProblem(null)))
      .catch((e: unknown) => live && setProblem(e instanceof ProblemError ? e.problem : { title: String(e), status: 0 }));
    return () => {
      live = false;
    };
  }, [api, signedIn]);

  const value = useMemo<Session>(
    () => ({
      api,
      token,
      me,
      problem,
      can: (permission: string) => me?.permissions?.includes(permission) ?? false,
    }),
    [api, token, me, problem],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error('useSession outside SessionProvider');
  }
  return session;
}

export { SessionContext };
