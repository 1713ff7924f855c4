import { useCallback, useState } from 'react';
import type { Problem } from './api/problem';
import { asProblem } from './useResource';

/** A form's sending: busy while the work runs, and the API's refusal kept as its problem. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (failure) {
      setProblem(asProblem(failure));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, run };
}
