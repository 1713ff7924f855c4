import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { Layout } from './components/Layout';
import { FeedProvider } from './notifications';
import { renderSignedIn } from './test/render';

/** A server-sent event stream the test writes to. */
function eventStream() {
  let push: (text: string) => void = () => undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(new TextEncoder().encode(text));
    },
  });
  return { response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }), push: (t: string) => push(t) };
}

function json(body: unknown) {
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('the bell', () => {
  it('counts a notification that arrives on the stream, without asking the API again', async () => {
    const stream = eventStream();
    const streamed = vi.fn(async () => stream.response);
    vi.stubGlobal('fetch', streamed);
    const asked: string[] = [];
    const api = (async (request: Request) => {
      const path = new URL(request.url).pathname;
      asked.push(path);
      return path.endsWith('/unread-count') ? json({ unread: 2 }) : json({ items: [] });
    }) as unknown as typeof fetch;
    renderSignedIn(
      <FeedProvider>
        <Layout>page</Layout>
      </FeedProvider>,
      { permissions: ['notifications:read'], fetcher: api },
    );
    await waitFor(() => expect(screen.getByRole('link', { name: 'Notifications, 2 unread' })).toBeTruthy());
    const loads = asked.length;
    stream.push('event: ready\ndata: {"position":1}\n\n');
    await waitFor(() => expect(asked.length).toBeGreaterThan(loads)); // ready: loaded again
    await waitFor(() => expect(screen.getByRole('link', { name: 'Notifications, 2 unread' })).toBeTruthy());
    const settled = asked.length;
    stream.push('id: 2\nevent: notification\ndata: {"id":"n2","title":"Ada joined","readAt":null}\n\n');
    await waitFor(() => expect(screen.getByRole('link', { name: 'Notifications, 3 unread' })).toBeTruthy());
    expect(screen.getByTestId('unread').textContent).toBe('3');
    expect(asked.length).toBe(settled);
    const [url, init] = streamed.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/notifications/stream');
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer token-1');
  });

  it('is not there for a caller who may not read notifications', () => {
    vi.stubGlobal('fetch', vi.fn());
    renderSignedIn(
      <FeedProvider>
        <Layout>page</Layout>
      </FeedProvider>,
      { permissions: ['documents:read'] },
    );
    expect(screen.queryByRole('link', { name: /Notifications/ })).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });
});
