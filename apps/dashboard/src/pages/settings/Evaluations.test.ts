import { describe, expect, it } from 'vitest';
import { parseQuestions, verdict } from './Evaluations';

describe('evaluation questions', () => {
  it('reads one question per line, with the fact its answer must hold after a bar', () => {
    expect(parseQuestions('When do you open? | 8:00\n\n  Who owns the van?  \nA | b | c')).toEqual([
      { question: 'When do you open?', expected: '8:00' },
      { question: 'Who owns the van?' },
      { question: 'A', expected: 'b | c' },
    ]);
  });

  it('says whether a refusal was right', () => {
    expect(verdict({ answerable: false, abstained: true })).toBe('refusedRightly');
    expect(verdict({ answerable: false, abstained: false })).toBe('answeredWrongly');
    expect(verdict({ answerable: true, abstained: true })).toBe('refusedWrongly');
    expect(verdict({ answerable: true, correct: true })).toBe('correct');
    expect(verdict({ answerable: true, correct: false })).toBe('wrong');
  });
});
