import { useTranslation } from 'react-i18next';
import { Field, SelectField, TextAreaField } from '../../components/Field';
import {
  MORE,
  STEP_TYPES,
  TRIGGER_FIELDS,
  TRIGGER_TYPES,
  emptyStep,
  placeErrors,
  type DefinitionDraft,
  type FieldError,
  type StepDraft,
} from './draft';

/** Which trigger fields each trigger type reads. */
const TRIGGER_USES: Record<string, readonly (typeof TRIGGER_FIELDS)[number][]> = {
  schedule: ['cron', 'timeZone', 'missed'],
  event: ['event', 'collection', 'mediaType', 'tag'],
};

/**
 * A workflow's definition as a form: the trigger, then each step in a card with its own fields.
 * The API's validation errors are shown on the step and field they name.
 */
export function DefinitionEditor({
  draft,
  onChange,
  errors,
  collections,
}: {
  draft: DefinitionDraft;
  onChange: (draft: DefinitionDraft) => void;
  errors?: FieldError[];
  collections: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  const placed = placeErrors(errors);
  const joined = (messages?: string[]) => messages?.join(' · ');
  const setTrigger = (name: string, value: string) => onChange({ ...draft, trigger: { ...draft.trigger, [name]: value } });
  const setStep = (index: number, step: StepDraft) =>
    onChange({ ...draft, steps: draft.steps.map((s, i) => (i === index ? step : s)) });
  const move = (index: number, by: number) => {
    const steps = [...draft.steps];
    const [step] = steps.splice(index, 1);
    steps.splice(index + by, 0, step!);
    onChange({ ...draft, steps });
  };
  const type = draft.trigger.type ?? 'manual';

  return (
    <div className="definition">
      {placed.general.length > 0 && (
        <ul className="problem-errors" aria-label={t('workflow.definitionErrors')}>
          {placed.general.map((m) => (
            <li key={m} className="error">
              {m}
            </li>
          ))}
        </ul>
      )}
      <fieldset className="trigger">
        <legend>{t('workflow.trigger')}</legend>
        <SelectField
          label={t('workflow.triggerType')}
          value={type}
          onChange={(v) => setTrigger('type', v)}
          options={TRIGGER_TYPES.map((v) => ({ value: v, label: t(`workflow.triggers.${v}`) }))}
          error={joined(placed.trigger.type)}
        />
        {(TRIGGER_USES[type] ?? []).map((name) =>
          name === 'collection' ? (
            <SelectField
              key={name}
              label={t('workflow.triggerFields.collection')}
              value={draft.trigger.collection ?? ''}
              onChange={(v) => setTrigger(name, v)}
              options={collections}
              all={t('workflow.anyCollection')}
              error={joined(placed.trigger[name])}
            />
          ) : name === 'missed' ? (
            <SelectField
              key={name}
              label={t('workflow.triggerFields.missed')}
              value={draft.trigger.missed ?? 'skip'}
              onChange={(v) => setTrigger(name, v)}
              options={['skip', 'catch-up'].map((v) => ({ value: v, label: t(`workflow.missed.${v}`) }))}
              error={joined(placed.trigger[name])}
            />
          ) : (
            <Field
              key={name}
              label={t(`workflow.triggerFields.${name}`)}
              hint={t(`workflow.triggerHints.${name}`)}
              value={draft.trigger[name] ?? ''}
              onChange={(e) => setTrigger(name, e.target.value)}
              error={joined(placed.trigger[name])}
            />
          ),
        )}
      </fieldset>

      <ol className="steps" aria-label={t('workflow.steps')}>
        {draft.steps.map((step, index) => {
          const at = placed.steps[index] ?? {};
          const label = t('workflow.stepN', { n: index + 1, id: step.id || '…' });
          const moreOpen = MORE.some((name) => at[name]);
          return (
            <li key={step.key} className={Object.keys(at).length > 0 ? 'step-card invalid' : 'step-card'}>
              <fieldset>
                <legend>{label}</legend>
                {at[''] && <p className="error">{joined(at[''])}</p>}
                <div className="step-head">
                  <Field
                    label={t('workflow.stepId')}
                    value={step.id}
                    onChange={(e) => setStep(index, { ...step, id: e.target.value })}
                    error={joined(at.id)}
                  />
                  <SelectField
                    label={t('workflow.stepType')}
                    value={step.type}
                    onChange={(v) => setStep(index, { ...step, type: v })}
                    options={STEP_TYPES.map((v) => ({ value: v, label: v }))}
                    error={joined(at.type)}
                  />
                </div>
                <TextAreaField
                  label={t('workflow.inputs')}
                  hint={t('workflow.inputsHint')}
                  className="code"
                  rows={Math.min(12, Math.max(3, step.inputs.split('\n').length))}
                  spellCheck={false}
                  value={step.inputs}
                  onChange={(e) => setStep(index, { ...step, inputs: e.target.value })}
                  error={joined(at.inputs)}
                />
                <details open={moreOpen || undefined}>
                  <summary>{t('workflow.more')}</summary>
                  {MORE.map((name) =>
                    name === 'retry' ? (
                      <TextAreaField
                        key={name}
                        label={t('workflow.stepFields.retry')}
                        hint={t('workflow.stepHints.retry')}
                        className="code"
                        rows={3}
                        spellCheck={false}
                        value={step.retry}
                        onChange={(e) => setStep(index, { ...step, retry: e.target.value })}
                        error={joined(at.retry)}
                      />
                    ) : (
                      <Field
                        key={name}
                        label={t(`workflow.stepFields.${name}`)}
                        hint={t(`workflow.stepHints.${name}`)}
                        value={step[name]}
                        onChange={(e) => setStep(index, { ...step, [name]: e.target.value })}
                        error={joined(at[name])}
                      />
                    ),
                  )}
                </details>
                <div className="step-actions">
                  <button type="button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`${t('workflow.moveUp')}: ${label}`}>
                    {t('workflow.moveUp')}
                  </button>
                  <button
                    type="button"
                    disabled={index === draft.steps.length - 1}
                    onClick={() => move(index, 1)}
                    aria-label={`${t('workflow.moveDown')}: ${label}`}
                  >
                    {t('workflow.moveDown')}
                  </button>
                  <button
                    type="button"
                    onClick={() => onChange({ ...draft, steps: draft.steps.filter((_, i) => i !== index) })}
                    aria-label={`${t('workflow.removeStep')}: ${label}`}
                  >
                    {t('workflow.removeStep')}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange({ ...draft, steps: [...draft.steps, emptyStep()] })}>
        {t('workflow.addStep')}
      </button>
    </div>
  );
}
