import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderSignedIn } from '../test/render';
import { FormerMembers, formerMembers } from './FormerMembers';

const left = { action: 'member.left', result: 'success', targetId: 'u-ada', actorId: 'u-ada', details: { email: 'ada@example.test' }, occurredAt: '2026-12-04T10:00:00Z' };
const removed = { action: 'member.removed', result: 'success', targetId: 'u-bob', actorId: 'u-owner', details: { email: 'bob@example.test' }, occurredAt: '2026-12-03T10:00:00Z' };

function json(body: unknown) {
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
}

describe('former members', () => {
  it('lists who left or was removed once, newest first, but not members again, refusals or pseudonyms', () => {
    const events = [
      left,
      { ...left, action: 'member.role-changed' },
      { ...removed, targetId: 'u-eve', details: { email: 'eve@example.test' } },
      { ...removed, result: 'denied', targetId: 'u-carl' },
      { ...removed, targetId: 'former-member-0a1b2c3d4e5f' },
      removed,
      { ...left, occurredAt: '2026-11-01T10:00:00Z' },
    ];
    // eve came back: a member again
    expect(formerMembers(events as never, new Set(['u-eve']))).toEqual([
      { userId: 'u-ada', email: 'ada@example.test', at: '2026-12-04T10:00:00Z' },
      { userId: 'u-bob', email: 'bob@example.test', at: '2026-12-03T10:00:00Z' },
    ]);
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
      return json({ items: done ? [] : [left] });
    }) as unknown as typeof fetch;
    renderSignedIn(<FormerMembers current={new Set()} />, { permissions: ['members:manage', 'audit:read'], fetcher });
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
