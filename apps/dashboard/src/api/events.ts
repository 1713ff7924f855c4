import { fetchEventSource } from '@microsoft/fetch-event-source';
import { useEffect, useRef, useState } from 'react';
import { ProblemError, problemOf } from './problem';

/** A stream the API refused (401, 403, 404): reconnecting would not help. */
class Refused extends Error {}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * Follows a server-sent event stream of the API with the current access token (EventSource cannot
 * send one): each event goes to its handler by name; a lost connection reconnects by itself, with
 * a growing pause (up to 10 s) and the token current at that time.
 */
export function followStream(
  path: string,
  token: () => string | null,
  handlers: Record<string, (data: string) => void>,
  onState: (state: StreamState) => void,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  return fetchEventSource(path, {
    signal,
    openWhenHidden: true,
    headers: { Accept: 'text/event-stream' },
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      const current = token();
      if (current) {
        headers.set('Authorization', `Bearer ${current}`);
      }
      return fetch(input, { ...init, headers });
    },
    async onopen(response) {
      const type = response.headers.get('Content-Type') ?? '';
      if (response.ok && type.startsWith('text/event-stream')) {
        failures = 0;
        onState('live');
        return;
      }
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        throw new Refused(`the stream answered ${response.status}`);
      }
      throw new Error(`the stream answered ${response.status}`);
    },
    onmessage(event) {
      const handler = handlers[event.event || 'message'];
      handler?.(event.data);
    },
    onclose() {
      // the server ended it (a restart): reconnect like after an error
      throw new Error('the stream ended');
    },
    onerror(error) {
      if (error instanceof Refused) {
        onState('refused');
        throw error;
      }
      failures += 1;
      onState('reconnecting');
      return Math.min(10_000, 500 * 2 ** Math.min(failures, 5));
    },
  }).catch(() => undefined);
}

/** {@link followStream} for a component's lifetime; its state for a "live" indicator. */
export function useStream(
  path: string,
  token: () => string | null,
  handlers: Record<string, (data: string) => void>,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const current = useRef(handlers);
  useEffect(() => {
    current.current = handlers;
  });
  useEffect(() => {
    const abort = new AbortController();
    const dispatch = new Proxy(
      {},
      { get: (_target, name: string) => (data: string) => current.current[name]?.(data) },
    ) as Record<string, (data: string) => void>;
    void followStream(path, token, dispatch, setState, abort.signal);
    return () => abort.abort();
  }, [path, token]);
  return state;
}

/**
 * POSTs a JSON body asking for an event stream (a streamed answer): each event to its handler,
 * never retried (asking again would ask twice); resolves when the stream ends.
 */
export async function postStream(
  path: string,
  token: string | null,
  body: unknown,
  handlers: Record<string, (data: string) => void>,
  signal: AbortSignal,
): Promise<void> {
  await fetchEventSource(path, {
    method: 'POST',
    signal,
    openWhenHidden: true,
    headers: {
      Accept: 'text/event-stream',
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    async onopen(response) {
      const type = response.headers.get('Content-Type') ?? '';
      if (!response.ok || !type.startsWith('text/event-stream')) {
        throw new ProblemError(await problemOf(response));
      }
    },
    onmessage(event) {
      handlers[event.event || 'message']?.(event.data);
    },
    onerror(error) {
      throw error;
    },
  });
}
