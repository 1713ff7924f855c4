import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ProblemMessage } from './ProblemMessage';
import i18n from '../i18n';

describe('ProblemMessage', () => {
  it('shows the title, the detail, the field errors, the status and the request id', async () => {
    await i18n.changeLanguage('en');
    render(
      <ProblemMessage
        problem={{
          title: 'Bad Request',
          status: 400,
          detail: 'the request has invalid fields',
          requestId: 'req-42',
          errors: [{ field: 'email', message: 'must be a well-formed email address' }],
        }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The request was refused: Bad Request');
    expect(alert.textContent).toContain('the request has invalid fields');
    expect(alert.textContent).toContain('email must be a well-formed email address');
    expect(alert.textContent).toContain('Status 400');
    expect(alert.textContent).toContain('Request id req-42');
  });

  it('says a 403 is about permission, in German too', async () => {
    await i18n.changeLanguage('de');
    render(<ProblemMessage problem={{ title: 'Forbidden', status: 403, detail: 'needs members:manage' }} />);
    expect(screen.getByRole('alert').textContent).toContain('Dafür haben Sie keine Berechtigung.: Forbidden');
    expect(screen.getByRole('alert').textContent).toContain('needs members:manage');
    await i18n.changeLanguage('en');
  });

  it('says the platform cannot be reached when there was no answer', () => {
    render(<ProblemMessage problem={{ title: 'unreachable', status: 0, detail: 'Failed to fetch' }} />);
    expect(screen.getByRole('alert').textContent).toContain('The platform cannot be reached');
  });
});
