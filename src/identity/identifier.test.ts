import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { identifierKey, normalizeEmail, normalizeIdentifier, normalizePhoneDigits, parseIdentifierKey } from './identifier.js';

describe('identifier', () => {
  it('writes the key as type:value and reads it back, even when the value holds colons', () => {
    expect(identifierKey({ type: 'shopify', value: 'gid://shopify/Customer/42' })).toBe('shopify:gid://shopify/Customer/42');
    expect(parseIdentifierKey('shopify:gid://shopify/Customer/42')).toEqual({ type: 'shopify', value: 'gid://shopify/Customer/42' });
  });

  it('rejects a key without a type, and a type that is not lower-case', () => {
    expect(() => parseIdentifierKey(':x')).toThrow(TesseraError);
    expect(() => parseIdentifierKey('no-colon')).toThrow(/type:value/);
    expect(() => parseIdentifierKey('Email:a@b.c')).toThrow(/identifier type/);
  });

  it('trims and lower-cases emails', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM \n')).toBe('ann.lee@example.com');
  });

  it('treats an email without a local part or a domain as unusable', () => {
    expect(normalizeEmail('ann')).toBeUndefined();
    expect(normalizeEmail('@example.com')).toBeUndefined();
    expect(normalizeEmail('ann@')).toBeUndefined();
  });

  it('strips formatting from phones until the libphonenumber normalizer is plugged in', () => {
    expect(normalizePhoneDigits('+1 (555) 010-9999')).toBe('+15550109999');
    expect(normalizePhoneDigits('12')).toBeUndefined();
  });

  it('uses a pluggable normalizer per type and leaves other types as given', () => {
    const normalizers = { phone: (v: string) => (v === '0612345678' ? '+31612345678' : undefined) };
    expect(normalizeIdentifier({ type: 'phone', value: '0612345678' }, normalizers)).toEqual({ type: 'phone', value: '+31612345678' });
    expect(normalizeIdentifier({ type: 'phone', value: 'x' }, normalizers)).toBeUndefined();
    expect(normalizeIdentifier({ type: 'user', value: ' U1 ' }, normalizers)).toEqual({ type: 'user', value: ' U1 ' });
  });
});
