import { describe, expect, it } from 'vitest';
import en from './en.json';
import de from './de.json';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('the translations', () => {
  it('German has every English string and no other', () => {
    expect(keys(de).sort()).toEqual(keys(en).sort());
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/{{\w+}}/g) ?? []).sort();
    const flat = (tree: object) =>
      Object.fromEntries(
        keys(tree).map((k) => [k, k.split('.').reduce<any>((node, part) => node[part], tree) as string]),
      );
    const english = flat(en);
    const german = flat(de);
    for (const key of Object.keys(english)) {
      expect(placeholders(german[key]), key).toEqual(placeholders(english[key]));
    }
  });
});
