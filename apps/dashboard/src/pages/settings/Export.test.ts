import { describe, expect, it } from 'vitest';
import { archiveName, building, readableSize } from './Export';

describe('exporting the business', () => {
  it('looks again only while an export is being built', () => {
    expect(building(undefined)).toBe(false);
    expect(building([])).toBe(false);
    expect(building([{ id: 'a', status: 'ready' }, { id: 'b', status: 'expired' }])).toBe(false);
    expect(building([{ id: 'a', status: 'ready' }, { id: 'b', status: 'building' }])).toBe(true);
  });

  it('names the archive by the day it was asked, else by its id', () => {
    expect(archiveName({ id: 'e1', requestedAt: '2026-12-04T10:15:00Z' })).toBe('smb-copilot-export-2026-12-04.zip');
    expect(archiveName({ id: 'e1' })).toBe('smb-copilot-export-e1.zip');
  });

  it('says a size as people read it, in the page language', () => {
    expect(readableSize(undefined, 'en')).toBe('');
    expect(readableSize(812, 'en')).toBe('812 B');
    expect(readableSize(16245, 'en')).toBe('16.2 kB');
    expect(readableSize(16245, 'de')).toBe('16,2 kB');
    expect(readableSize(3_400_000_000, 'en')).toBe('3.4 GB');
  });
});
