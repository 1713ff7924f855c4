import { describe, expect, it } from 'vitest';
import { apiClient } from '../../api/client';
import { confirms, currentErasure } from './Erasure';

function answering(status: number, body: unknown) {
  return apiClient(
    () => 'token',
    async () =>
      new Response(body === null ? null : JSON.stringify(body), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
      }),
  );
}

describe('erasing the business', () => {
  it('is confirmed only by the name exactly', () => {
    expect(confirms('Harbour Bakery', 'Harbour Bakery')).toBe(true);
    expect(confirms('harbour bakery', 'Harbour Bakery')).toBe(false);
    expect(confirms('Harbour Bakery ', 'Harbour Bakery')).toBe(false);
    expect(confirms('', '')).toBe(false);
    expect(confirms('x', undefined)).toBe(false);
  });

  it('reads no erasure from a 404, the erasure from a 200, and keeps other refusals', async () => {
    await expect(currentErasure(answering(404, { title: 'Not found', status: 404 }))).resolves.toBeNull();
    const asked = { requestedAt: '2026-12-04T10:00:00Z', requestedBy: 'u1', erasesAt: '2026-12-18T10:00:00Z' };
    await expect(currentErasure(answering(200, asked))).resolves.toEqual(asked);
    await expect(currentErasure(answering(403, { title: 'Not allowed', status: 403 }))).rejects.toThrow('Not allowed');
  });
});
