import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { makeEmail, makePhone, messyEmail, messyPhone, normalizeEmail, normalizePhone } from './contact.js';
import type { PhonePlan } from './geography.js';
import { createRng } from './random.js';

const plans: readonly PhonePlan[] = ['US', 'GB', 'DE', 'FR'];
const areaCodes = ['212', '415', '312', '206', '617', '303'];

describe('contact details', () => {
  it('writes phones that libphonenumber reads, in the US default region, as the same valid E.164 number', () => {
    const rng = createRng(5, 'phones');
    for (let index = 0; index < 2000; index += 7) {
      for (const plan of plans) {
        const phone = makePhone(plan, index, 1234, rng.pick(areaCodes));
        const typed = messyPhone(rng, phone);
        const parsed = parsePhoneNumberFromString(typed, 'US');
        expect(parsed?.number, typed).toBe(phone.e164);
        expect(parsed?.isValid(), typed).toBe(true);
        expect(normalizePhone(typed)).toBe(phone.e164);
      }
    }
  });

  it('never gives two people the same phone number or email address', () => {
    const rng = createRng(6, 'unique');
    const phones = new Set<string>();
    const emails = new Set<string>();
    for (let index = 0; index < 5000; index++) {
      phones.add(makePhone('US', index, 99, '212').e164);
      emails.add(makeEmail(rng, 'Ann', 'Lee', index, 15, 99));
    }
    expect(phones.size).toBe(5000);
    expect(emails.size).toBe(5000);
  });

  it('types emails with odd case and stray spaces that normalize back to the address', () => {
    const rng = createRng(7, 'emails');
    const email = makeEmail(rng, 'Zoë', "O'Brien", 42, 15, 1);
    expect(email).toMatch(/^[a-z0-9._]+@[a-z.]+$/);
    const variants = new Set(Array.from({ length: 200 }, () => messyEmail(rng, email)));
    expect(variants.size).toBeGreaterThan(3);
    for (const typed of variants) expect(normalizeEmail(typed)).toBe(email);
  });
});
