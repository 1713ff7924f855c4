import { useCallback, useEffect, useState } from 'react';
import { ProblemError, unreachable, type Problem } from './api/problem';

export interface Resource<T> {
  data: T | undefined;
  problem: Problem | null;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `deps`; the latest load wins; a refusal is kept as its problem. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((found) => {
        if (live) {
          setData(found);
          setProblem(null);
        }
      })
      .catch((e: unknown) => {
        if (live) {
          setProblem(asProblem(e));
        }
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, problem, loading, reload };
}

export function asProblem(e: unknown): Problem {
  return e instanceof ProblemError ? e.problem : unreachable(e);
}
