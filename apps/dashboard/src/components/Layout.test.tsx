import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { Layout } from './Layout';
import { Allowed } from '../App';
import { renderSignedIn } from '../test/render';

describe('the nav by role', () => {
  it('offers Settings to those who manage members', () => {
    renderSignedIn(<Layout>content</Layout>, { permissions: ['members:manage'] });
    const links = screen.getAllByRole('link').map((a) => a.textContent);
    expect(links).toContain('Settings');
  });

  it('offers a member Settings too, for their own data', () => {
    renderSignedIn(<Layout>content</Layout>, { permissions: ['documents:read', 'copilot:ask'] });
    const links = screen.getAllByRole('link').map((a) => a.textContent);
    expect(links).toContain('Home');
    expect(links).toContain('Settings');
    expect(links).not.toContain('Workflows');
  });

  it('tells a member who opens an admin page that it is not for their role', () => {
    renderSignedIn(
      <Routes>
        <Route path="/settings/members" element={<Allowed permission="members:manage">the members</Allowed>} />
      </Routes>,
      { permissions: ['documents:read'], path: '/settings/members' },
    );
    expect(screen.getByRole('alert').textContent).toContain('Not for your role');
    expect(screen.queryByText('the members')).toBeNull();
  });
});
