import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { followStream, type StreamState } from './events';

/** A server-sent event stream the test writes to and can end, as a restarting server would. */
function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    push: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('followStream', () => {
  it('reconnects by itself after the connection is lost, with the newest token and Last-Event-ID', async () => {
    const first = eventStream();
    const second = eventStream();
    const requests: Request[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        requests.push(new Request(new URL(String(input), 'http://copilot.test'), init));
        return requests.length === 1 ? first.response : second.response;
      }),
    );
    let token = 'token-1';
    const states: StreamState[] = [];
    const seen: string[] = [];
    const abort = new AbortController();
    void followStream('/api/v1/documents/stream', () => token, { document: (d) => seen.push(d) }, (s) => states.push(s), abort.signal);

    await waitFor(() => expect(states).toContain('live'));
    first.push('id: e1\nevent: document\ndata: one\n\n');
    await waitFor(() => expect(seen).toEqual(['one']));
    token = 'token-2';
    first.end(); // the connection is lost
    await waitFor(() => expect(requests).toHaveLength(2), { timeout: 5000 });
    expect(requests[0]!.headers.get('Authorization')).toBe('Bearer token-1');
    expect(requests[1]!.headers.get('Authorization')).toBe('Bearer token-2');
    expect(requests[1]!.headers.get('Last-Event-ID')).toBe('e1');
    second.push('id: e2\nevent: document\ndata: two\n\n');
    await waitFor(() => expect(seen).toEqual(['one', 'two']));
    expect(states).toEqual(['live', 'reconnecting', 'live']);
    abort.abort();
  });
});
