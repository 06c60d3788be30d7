/**
 * Email addresses and phone numbers: unique per person by construction, written the messy ways real
 * forms and CRMs hold them, and normalizable without a library so the ground truth can state the
 * standardized value (emails trimmed and lower-cased, phones in E.164).
 */
import type { PhonePlan } from './geography.js';
import { permute } from './ids.js';
import type { Rng } from './random.js';

/** Domains reserved for examples (RFC 2606): no message can ever reach a real mailbox. */
const personalDomains = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'inbox.example.net'] as const;
const workDomains = ['corp.example.com', 'work.example.org', 'acme.example.net'] as const;

/** Lower-case ASCII letters only, so "Müller" and "O'Brien" become plausible local parts. */
export function asciiName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/**
 * A person's canonical (normalized) email. The number is a permutation of the person's index over
 * `bits` bits, so no two people ever share an address whatever their names.
 */
export function makeEmail(rng: Rng, first: string, last: string, index: number, bits: number, key: number): string {
  const f = asciiName(first) || 'customer';
  const l = asciiName(last) || 'shopper';
  const n = permute(index, bits, key);
  const local = rng.weighted([
    [`${f}.${l}${n}`, 4],
    [`${f}${l}${n}`, 2],
    [`${f.charAt(0)}${l}${n}`, 2],
    [`${f}_${n}`, 1],
    [`${l}.${f}${n}`, 1],
  ] as const);
  return `${local}@${rng.pick(personalDomains)}`;
}

/** A second address, used at work, for the same unique number. */
export function makeWorkEmail(rng: Rng, first: string, last: string, index: number, bits: number, key: number): string {
  const n = permute(index, bits, key);
  return `${asciiName(first).charAt(0) || 'x'}.${asciiName(last) || 'staff'}${n}@${rng.pick(workDomains)}`;
}

/** Plus-addressing: the trick behind most duplicate shop accounts. */
export function plusAddress(email: string, tag: string): string {
  const at = email.indexOf('@');
  return `${email.slice(0, at)}+${tag}${email.slice(at)}`;
}

/** The email as a person or a form typed it: odd case, stray spaces. Lower-casing and trimming gives it back. */
export function messyEmail(rng: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const variant = rng.weighted([
    ['plain', 60],
    ['capitalized', 14],
    ['upper', 5],
    ['domain', 8],
    ['spaced', 9],
    ['trailing', 4],
  ] as const);
  switch (variant) {
    case 'plain':
      return email;
    case 'capitalized':
      return `${local.charAt(0).toUpperCase()}${local.slice(1)}@${domain}`;
    case 'upper':
      return email.toUpperCase();
    case 'domain':
      return `${local}@${domain.charAt(0).toUpperCase()}${domain.slice(1).replace('.com', '.COM')}`;
    case 'spaced':
      return ` ${email} `;
    case 'trailing':
      return `${local.charAt(0).toUpperCase()}${local.slice(1)}@${domain}  `;
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A phone number: its E.164 form and the parts that the written forms are made of. */
export interface Phone {
  plan: PhonePlan;
  e164: string;
  /** Digits after the country code, grouped as the plan writes them. */
  groups: readonly string[];
}

const countryCodes: Readonly<Record<PhonePlan, string>> = { US: '1', GB: '44', DE: '49', FR: '33' };

/** US exchanges that are not N11 service codes. */
const usExchanges = Array.from({ length: 800 }, (_, i) => 200 + i).filter((e) => e % 100 !== 11);

/**
 * A valid-looking number in the person's plan. A 22-bit permutation of the index gives seven
 * digits that differ between any two people, so no two people share a number.
 */
export function makePhone(plan: PhonePlan, index: number, key: number, areaCode: string): Phone {
  const unique = permute(index, 22, key);
  const digits7 = String(unique).padStart(7, '0');
  let groups: string[];
  switch (plan) {
    case 'US': {
      // The area code follows the city; exchange and line alone already differ between people.
      const exchange = usExchanges[Math.floor(unique / 10000)] ?? 999;
      groups = [areaCode, String(exchange), String(unique % 10000).padStart(4, '0')];
      break;
    }
    case 'GB':
      groups = [`740${digits7.slice(0, 1)}`, digits7.slice(1)];
      break;
    case 'DE':
      groups = ['151', `0${digits7}`];
      break;
    case 'FR':
      groups = ['6', `0${digits7.slice(0, 1)}`, digits7.slice(1, 3), digits7.slice(3, 5), digits7.slice(5, 7)];
      break;
  }
  return { plan, e164: `+${countryCodes[plan]}${groups.join('')}`, groups };
}

/**
 * The phone as typed into a form: US numbers in any of the local ways Americans write them;
 * other countries' numbers always with their country code, since a local form would be read in
 * the workspace's default region (US) and mean a different number.
 */
export function messyPhone(rng: Rng, phone: Phone): string {
  const g = phone.groups;
  const cc = phone.e164.slice(1, phone.e164.length - g.join('').length);
  if (phone.plan === 'US') {
    const [a = '', e = '', l = ''] = g;
    return rng.weighted([
      [`(${a}) ${e}-${l}`, 5],
      [`${a}-${e}-${l}`, 4],
      [`${a}.${e}.${l}`, 2],
      [`${a}${e}${l}`, 3],
      [`+1 ${a} ${e} ${l}`, 2],
      [`+1-${a}-${e}-${l}`, 1],
      [`1 (${a}) ${e}-${l}`, 1],
      [` ${a} ${e} ${l}`, 1],
    ] as const);
  }
  return rng.weighted([
    [`+${cc} ${g.join(' ')}`, 5],
    [`+${cc}${g.join('')}`, 3],
    [`+${cc} ${g.join('')}`, 1],
  ] as const);
}

/**
 * E.164 for the forms messyPhone writes: a leading + carries its country code, ten digits are a US
 * number, eleven starting with 1 are a US number with its trunk prefix. Anything else is not ours: null.
 */
export function normalizePhone(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  if (text.trim().startsWith('+')) return digits.length >= 8 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}
