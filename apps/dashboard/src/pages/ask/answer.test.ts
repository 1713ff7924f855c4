import { describe, expect, it } from 'vitest';
import { parts, where } from './answer';

describe('an answer with citation marks', () => {
  it('turns the [n] of known sources into citations and keeps the text around them', () => {
    expect(parts('Open at 8. [1] Closed Sundays. [2]', (n) => n === 1 || n === 2)).toEqual([
      { text: 'Open at 8. ' },
      { cite: 1 },
      { text: ' Closed Sundays. ' },
      { cite: 2 },
    ]);
  });

  it('leaves a number that is no source as text', () => {
    expect(parts('See [7].', (n) => n === 1)).toEqual([{ text: 'See [7].' }]);
  });

  it('says where a passage is', () => {
    const t = (key: string, o?: Record<string, unknown>) => `${key}:${JSON.stringify(o)}`;
    expect(where({ n: 1, documentId: 'd', title: 'T', location: { page: 3, headingPath: 'Terms › Returns' } }, t)).toBe(
      'ask.page:{"page":3} · Terms › Returns',
    );
  });
});
