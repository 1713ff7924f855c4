import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { renderSignedIn } from '../../test/render';
import { MyData, myDataName } from './MyData';
import { SettingsLayout } from './SettingsLayout';

function json(body: unknown, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

/** The API of these tests: no exports yet, and leaving answered as `leave` says. */
function api(leave: () => Response) {
  const asked: string[] = [];
  const fetcher = (async (request: Request) => {
    const path = new URL(request.url).pathname;
    asked.push(`${request.method} ${path}`);
    if (request.method === 'DELETE' && path === '/api/v1/me/membership') {
      return leave();
    }
    return json({ items: [] });
  }) as unknown as typeof fetch;
  return { asked, fetcher };
}

function page(fetcher: typeof fetch) {
  renderSignedIn(
    <Routes>
      <Route path="/" element={<p>the landing page</p>} />
      <Route path="/settings/my-data" element={<MyData />} />
    </Routes>,
    { permissions: ['documents:read'], path: '/settings/my-data', fetcher },
  );
}

describe('your data', () => {
  it('names the archive by the day it was asked, else by its id', () => {
    expect(myDataName({ id: 'e1', requestedAt: '2026-12-04T10:15:00Z' })).toBe('smb-copilot-my-data-2026-12-04.zip');
    expect(myDataName({ id: 'e1' })).toBe('smb-copilot-my-data-e1.zip');
  });

  it('is the one settings page of a member', () => {
    renderSignedIn(<SettingsLayout />, { permissions: ['documents:read', 'copilot:ask'], path: '/settings' });
    expect(screen.getAllByRole('link').map((a) => a.textContent)).toEqual(['Your data']);
  });

  it('leaves the business only once the person says they understand, then forgets them', async () => {
    const { asked, fetcher } = api(() => new Response(null, { status: 204 }));
    page(fetcher);
    await screen.findByText('No export asked yet.');
    const leave = screen.getByRole('button', { name: 'Leave the business' }) as HTMLButtonElement;
    expect(leave.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'I understand that my account is deleted' }));
    expect(leave.disabled).toBe(false);
    fireEvent.click(leave);
    await screen.findByText('the landing page');
    expect(asked).toContain('DELETE /api/v1/me/membership');
  });

  it('says why the last owner cannot leave, and stays', async () => {
    const { fetcher } = api(() =>
      json(
        { type: 'https://smbcopilot.io/problems/conflict', title: 'Conflict', status: 409, detail: 'the last owner cannot leave' },
        409,
        'application/problem+json',
      ),
    );
    page(fetcher);
    await screen.findByText('No export asked yet.');
    fireEvent.click(screen.getByRole('checkbox', { name: 'I understand that my account is deleted' }));
    fireEvent.click(screen.getByRole('button', { name: 'Leave the business' }));
    await waitFor(() => expect(screen.getByText(/the last owner cannot leave/)).toBeTruthy());
    expect(screen.queryByText('the landing page')).toBeNull();
  });
});
