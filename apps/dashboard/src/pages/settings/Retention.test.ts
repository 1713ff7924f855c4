import { describe, expect, it } from 'vitest';
import { retentionBody } from './Retention';

describe('retention settings', () => {
  it('sends the days as numbers and leaves an empty field out (kept for ever)', () => {
    expect(retentionBody({ conversationsDays: '90', runsDays: '', notificationsDays: ' 30 ', deliveriesDays: '  ', auditLogDays: '3650' })).toEqual({
      conversationsDays: 90,
      notificationsDays: 30,
      auditLogDays: 3650,
    });
    expect(retentionBody({ conversationsDays: '', runsDays: '', notificationsDays: '', deliveriesDays: '', auditLogDays: '' })).toEqual({});
  });
});
