import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import i18n from '../../i18n';
import { DefinitionEditor } from './DefinitionEditor';
import { fromDraft, placeErrors, toDraft, type DefinitionDraft, type FieldError } from './draft';

const DEFINITION = {
  trigger: { type: 'schedule', cron: '0 8 * * MON', timeZone: 'UTC' },
  steps: [
    { id: 'week', type: 'report', inputs: { days: 7 } },
    { id: 'mail', type: 'notify', inputs: { channel: 'email', title: { expr: "'Your week'" } }, retry: { maxAttempts: 5 } },
  ],
};

function Editor({ errors, onDraft }: { errors?: FieldError[]; onDraft?: (d: DefinitionDraft) => void }) {
  const [draft, setDraft] = useState(() => toDraft(DEFINITION as never));
  return (
    <DefinitionEditor
      draft={draft}
      onChange={(d) => {
        setDraft(d);
        onDraft?.(d);
      }}
      errors={errors}
      collections={[]}
    />
  );
}

describe('the definition draft', () => {
  it('round-trips a definition, dropping empty fields', () => {
    const { definition, errors } = fromDraft(toDraft(DEFINITION as never));
    expect(errors).toEqual([]);
    expect(definition).toEqual(DEFINITION);
  });

  it('names inputs that are not a JSON object as the API would', () => {
    const draft = toDraft(DEFINITION as never);
    draft.steps[1]!.inputs = '{"title": ';
    draft.steps[0]!.inputs = '[1, 2]';
    const { errors } = fromDraft(draft);
    expect(errors.map((e) => e.field)).toEqual(['body.steps[0].inputs', 'body.steps[1].inputs']);
    expect(errors[0]!.message).toMatch(/must be a JSON object/);
    expect(errors[1]!.message).toMatch(/is not JSON/);
  });

  it('places each API error on its step and field', () => {
    const placed = placeErrors([
      { field: 'body.steps[1].inputs.title.expr', message: 'does not compile: x' },
      { field: 'body.steps[1].next', message: 'names no step: nowhere' },
      { field: 'body.steps[0]', message: 'steps a -> b -> a form a cycle' },
      { field: 'body.trigger.cron', message: 'is not a five-field cron expression: x' },
      { field: 'body.steps', message: 'needs at least one step' },
    ]);
    expect(placed.steps[1]).toEqual({ inputs: ['title.expr: does not compile: x'], next: ['names no step: nowhere'] });
    expect(placed.steps[0]).toEqual({ '': ['steps a -> b -> a form a cycle'] });
    expect(placed.trigger).toEqual({ cron: ['is not a five-field cron expression: x'] });
    expect(placed.general).toEqual(['needs at least one step']);
  });
});

describe('DefinitionEditor', () => {
  it('shows a validation error on the step and the field it names, and marks the field invalid', async () => {
    await i18n.changeLanguage('en');
    render(
      <Editor
        errors={[
          { field: 'body.steps[1].inputs.title.expr', message: 'does not compile: Syntax error' },
          { field: 'body.trigger.cron', message: 'is not a five-field cron expression: 0 8' },
        ]}
      />,
    );
    const steps = within(screen.getByRole('list', { name: 'Steps' })).getAllByRole('listitem');
    expect(within(steps[0]!).queryByText(/does not compile/)).toBeNull();
    const inputs = within(steps[1]!).getByLabelText('Inputs (JSON)');
    expect(inputs.getAttribute('aria-invalid')).toBe('true');
    const described = inputs.getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent)).toContain(
      'title.expr: does not compile: Syntax error',
    );
    expect(screen.getByLabelText('Cron expression').getAttribute('aria-invalid')).toBe('true');
    expect(within(steps[0]!).getByLabelText('Inputs (JSON)').getAttribute('aria-invalid')).toBeNull();
  });

  it('adds, moves and removes steps', async () => {
    await i18n.changeLanguage('en');
    let last: DefinitionDraft | undefined;
    render(<Editor onDraft={(d) => (last = d)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Move up: Step 2: mail' }));
    expect(last!.steps.map((s) => s.id)).toEqual(['mail', 'week']);
    fireEvent.click(screen.getByRole('button', { name: 'Add a step' }));
    expect(last!.steps).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'Remove: Step 2: week' }));
    expect(last!.steps.map((s) => s.id)).toEqual(['mail', '']);
  });
});
