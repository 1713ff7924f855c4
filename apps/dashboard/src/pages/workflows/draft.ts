import type { Schemas } from '../../api/client';

export type Definition = Schemas['Definition'];
export type FieldError = { field: string; message: string };

/** The step types the engine runs (the API's Step.type). */
export const STEP_TYPES = [
  'search',
  'ask',
  'summarize',
  'extract',
  'generate',
  'condition',
  'approval',
  'notify',
  'http',
  'wait',
  'report',
] as const;
export const TRIGGER_TYPES = ['manual', 'schedule', 'event', 'webhook'] as const;

/** A step's text fields as they are edited; inputs and retry as JSON text. */
export interface StepDraft {
  key: number;
  id: string;
  type: string;
  inputs: string;
  retry: string;
  next: string;
  timeout: string;
  onTimeout: string;
  if: string;
  then: string;
  else: string;
  forEach: string;
}

/** The fields of a step shown under "More" (the others are always shown). */
export const MORE = ['next', 'forEach', 'if', 'then', 'else', 'timeout', 'onTimeout', 'retry'] as const;
const TEXT = ['next', 'timeout', 'onTimeout', 'if', 'then', 'else', 'forEach'] as const;
export const TRIGGER_FIELDS = ['cron', 'timeZone', 'missed', 'event', 'collection', 'mediaType', 'tag'] as const;

export interface DefinitionDraft {
  trigger: Record<string, string>;
  steps: StepDraft[];
}

let keys = 0;

export function emptyStep(): StepDraft {
  return {
    key: ++keys,
    id: '',
    type: 'notify',
    inputs: '{}',
    retry: '',
    next: '',
    timeout: '',
    onTimeout: '',
    if: '',
    then: '',
    else: '',
    forEach: '',
  };
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export function toDraft(definition: Definition | undefined): DefinitionDraft {
  const trigger: Record<string, string> = {};
  for (const [name, value] of Object.entries(definition?.trigger ?? { type: 'manual' })) {
    if (value !== undefined && value !== null) {
      trigger[name] = String(value);
    }
  }
  const steps = (definition?.steps ?? []).map((s) => {
    const step = emptyStep();
    step.id = s.id ?? '';
    step.type = s.type ?? '';
    step.inputs = pretty(s.inputs ?? {});
    step.retry = s.retry ? pretty(s.retry) : '';
    for (const name of TEXT) {
      step[name] = s[name] ?? '';
    }
    return step;
  });
  return { trigger, steps };
}

/**
 * The definition the API takes, or the mistakes found before sending it (inputs or retry that are
 * not JSON objects), named with the fields the API itself would name.
 */
export function fromDraft(draft: DefinitionDraft): { definition: Definition; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const trigger: Record<string, string> = {};
  for (const [name, value] of Object.entries(draft.trigger)) {
    if (value.trim() !== '') {
      trigger[name] = value.trim();
    }
  }
  const steps = draft.steps.map((s, i) => {
    const step: Record<string, unknown> = { id: s.id.trim(), type: s.type };
    const inputs = parseObject(s.inputs, `body.steps[${i}].inputs`, errors);
    if (inputs) {
      step.inputs = inputs;
    }
    if (s.retry.trim() !== '') {
      const retry = parseObject(s.retry, `body.steps[${i}].retry`, errors);
      if (retry) {
        step.retry = retry;
      }
    }
    for (const name of TEXT) {
      if (s[name].trim() !== '') {
        step[name] = s[name].trim();
      }
    }
    return step;
  });
  return { definition: { trigger: trigger as Definition['trigger'], steps } as Definition, errors };
}

function parseObject(text: string, field: string, errors: FieldError[]): Record<string, unknown> | null {
  if (text.trim() === '') {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    errors.push({ field, message: 'must be a JSON object, e.g. {"title": "Hello"}' });
  } catch (e) {
    errors.push({ field, message: `is not JSON: ${(e as Error).message}` });
  }
  return null;
}

/**
 * The API's field errors sorted to where the editor shows them: `body.steps[2].inputs.question`
 * on step 2's inputs (as "question: ..."), `body.trigger.cron` on the trigger's cron, the rest on
 * the definition as a whole.
 */
export interface PlacedErrors {
  steps: Record<number, Record<string, string[]>>;
  trigger: Record<string, string[]>;
  general: string[];
}

export function placeErrors(errors: FieldError[] | undefined): PlacedErrors {
  const placed: PlacedErrors = { steps: {}, trigger: {}, general: [] };
  const add = (into: Record<string, string[]>, name: string, message: string) => {
    (into[name] ??= []).push(message);
  };
  for (const e of errors ?? []) {
    const field = e.field.replace(/^body\./, '');
    const step = /^steps\[(\d+)\](?:\.([A-Za-z]+)(?:\.(.+))?)?$/.exec(field);
    const trigger = /^trigger(?:\.([A-Za-z]+))?$/.exec(field);
    if (step) {
      const into = (placed.steps[Number(step[1])] ??= {});
      const name = step[2] ?? '';
      add(into, name, step[3] ? `${step[3]}: ${e.message}` : e.message);
    } else if (trigger) {
      add(placed.trigger, trigger[1] ?? 'type', e.message);
    } else {
      placed.general.push(field === 'body' || field === 'steps' ? e.message : `${field}: ${e.message}`);
    }
  }
  return placed;
}
