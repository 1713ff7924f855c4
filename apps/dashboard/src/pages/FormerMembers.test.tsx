import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderSignedIn } from '../test/render';
import { FormerMembers } from './FormerMembers';

const ada = { userId: 'u-ada', email: 'ada@example.test', how: 'left', at: '2026-12-04T10:00:00Z' };
const bob = { userId: 'u-bob', email: 'bob@example.test', how: 'removed', at: '2026-12-03T10:00:00Z' };

function json(body: unknown) {
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
}

describe('former members', () => {
  it('lists who left or was removed, a page at a time, and says how they went', async () => {
    const asked: string[] = [];
    const fetcher = (async (request: Request) => {
      const url = new URL(request.url);
      asked.push(`${url.pathname}${url.search}`);
      return url.searchParams.get('cursor') === 'c1'
        ? json({ items: [bob] })
        : json({ items: [ada], nextCursor: 'c1' });
    }) as unknown as typeof fetch;
    renderSignedIn(<FormerMembers />, { permissions: ['members:manage'], fetcher });
    expect(await screen.findByText(/ada@example.test · left on/)).toBeTruthy();
    expect(screen.queryByText(/bob@example.test/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show more former members' }));
    expect(await screen.findByText(/bob@example.test · removed on/)).toBeTruthy();
    expect(screen.getByText(/ada@example.test/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show more former members' })).toBeNull();
    expect(asked).toEqual(['/api/v1/members/former?limit=50', '/api/v1/members/former?limit=50&cursor=c1']);
  });

  it('pseudonymises a former member only once the admin confirms, and says what they are now', async () => {
    const asked: string[] = [];
    const fetcher = (async (request: Request) => {
      const path = new URL(request.url).pathname;
      asked.push(`${request.method} ${path}`);
      if (request.method === 'POST') {
        return json({ pseudonym: 'former-member-0a1b2c3d4e5f', rows: {} });
      }
      const done = asked.some((a) => a.startsWith('POST'));
      return json({ items: done ? [] : [ada] });
    }) as unknown as typeof fetch;
    renderSignedIn(<FormerMembers />, { permissions: ['members:manage'], fetcher });
    fireEvent.click(await screen.findByRole('button', { name: 'Pseudonymise ada@example.test' }));
    expect(asked.filter((a) => a.startsWith('POST'))).toEqual([]);
    expect(screen.getByText('This cannot be undone.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pseudonymise ada@example.test' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      "ada@example.test is now former-member-0a1b2c3d4e5f in the business's records.",
    );
    expect(asked).toContain('POST /api/v1/members/u-ada/pseudonymisation');
    await screen.findByText('Nobody to pseudonymise.');
  });
});
