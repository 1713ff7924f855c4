import { describe, expect, it } from 'vitest';
import { apiClient, data } from './client';
import { ProblemError } from './problem';

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: Request[] = [];
  const fetcher = (async (input: Request) => {
    seen.push(input);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  }) as unknown as typeof fetch;
  return { seen, fetcher };
}

describe('apiClient', () => {
  it('sends the current access token and returns the body', async () => {
    let token = 'first';
    const { seen, fetcher } = answering(200, { roles: ['owner'] });
    const api = apiClient(() => token, fetcher);
    const me = await data(api.GET('/api/v1/me'));
    expect(me.roles).toEqual(['owner']);
    token = 'renewed';
    await data(api.GET('/api/v1/me'));
    expect(seen.map((r) => r.headers.get('Authorization'))).toEqual(['Bearer first', 'Bearer renewed']);
  });

  it('turns a problem+json refusal into a ProblemError with its title, detail and request id', async () => {
    const { fetcher } = answering(
      409,
      { type: 'about:blank', title: 'Conflict', status: 409, detail: 'the email already has an account' },
      { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'r-1' },
    );
    const api = apiClient(() => null, fetcher);
    const failure = await data(
      api.POST('/api/v1/signup', { body: { tenantName: 'A', email: 'a@b.c', password: 'x', displayName: 'A' } }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).problem).toMatchObject({
      title: 'Conflict',
      status: 409,
      detail: 'the email already has an account',
      requestId: 'r-1',
    });
  });

  it('makes a problem of a refusal without a body, and of no answer at all', async () => {
    const bare = (async () => new Response(null, { status: 502, statusText: 'Bad Gateway' })) as unknown as typeof fetch;
    const refused = await data(apiClient(() => null, bare).GET('/api/v1/me')).catch((e: unknown) => e);
    expect((refused as ProblemError).problem).toMatchObject({ title: 'Bad Gateway', status: 502 });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const lost = await data(apiClient(() => null, offline).GET('/api/v1/me')).catch((e: unknown) => e);
    expect((lost as ProblemError).problem).toMatchObject({ status: 0, detail: 'Failed to fetch' });
  });
});
