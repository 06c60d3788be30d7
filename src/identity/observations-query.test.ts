import { describe, expect, it } from 'vitest';
import { mailboxOf, toObservation, type EventIdentifiers } from './observations-query.js';

const row = (overrides: Partial<EventIdentifiers>): EventIdentifiers => ({
  seq: 1,
  message_id: 'm1',
  t: 0,
  user_id: null,
  anonymous_id: null,
  email: null,
  phone: null,
  previous_id: null,
  external_ids: null,
  ...overrides,
});

describe('mailboxOf', () => {
  it('drops the +tag of a sub-addressed email and leaves other addresses alone', () => {
    expect(mailboxOf('ann+shop@example.com')).toBe('ann@example.com');
    expect(mailboxOf('ann+a+b@example.com')).toBe('ann@example.com');
    expect(mailboxOf('ann@example.com')).toBeUndefined();
    expect(mailboxOf('+shop@example.com')).toBeUndefined();
    expect(mailboxOf('ann@ex+ample.com')).toBeUndefined();
  });
});

describe('toObservation', () => {
  it('reads user, email, phone, external ids, anonymous id and an alias previousId, in that order', () => {
    const o = toObservation(row({ user_id: 'u1', email: 'a@x.com', phone: '+15550100', anonymous_id: 'an1', previous_id: 'an0', external_ids: '[{"type":"shop","id":42},{"type":"junk"}]' }));
    expect(o.identifiers).toEqual([
      { type: 'user', value: 'u1' },
      { type: 'email', value: 'a@x.com' },
      { type: 'phone', value: '+15550100' },
      { type: 'shop', value: '42' },
      { type: 'anon', value: 'an1' },
      { type: 'anon', value: 'an0' },
    ]);
  });

  it('adds the plain mailbox of a sub-addressed email only when the rule is on', () => {
    expect(toObservation(row({ email: 'ann+shop@example.com', anonymous_id: 'a' }), { subaddress: true }).identifiers).toContainEqual({ type: 'email', value: 'ann@example.com' });
    expect(toObservation(row({ email: 'ann+shop@example.com', anonymous_id: 'a' })).identifiers).toHaveLength(2);
  });
});
