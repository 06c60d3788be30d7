import { IDENTIFIER_TYPE_PATTERN, TesseraError } from '../contract/index.js';

/** One identifier a person leaves: its type (`user`, `anon`, `email`, `phone` or a source-declared type) and value. */
export interface Identifier {
  readonly type: string;
  readonly value: string;
}

/** Turns a raw value into its matching form, or `undefined` when it is not a usable value of its type. */
export type IdentifierNormalizer = (value: string) => string | undefined;

/** Normalizers by identifier type; a type without one is matched on its value as given. */
export type IdentifierNormalizers = Readonly<Record<string, IdentifierNormalizer | undefined>>;

/** The identifier types every source shares; any other valid type name is a source-declared external id. */
export const BUILTIN_IDENTIFIER_TYPES = ['user', 'anon', 'email', 'phone'] as const;

const TYPE_NAME = IDENTIFIER_TYPE_PATTERN;

/** Whether `type` may name an identifier type (lower-case, starts with a letter, no colon). */
export function isIdentifierType(type: string): boolean {
  return TYPE_NAME.test(type);
}

export function assertIdentifierType(type: string): void {
  if (!TYPE_NAME.test(type)) {
    throw new TesseraError('invalid_argument', `identifier type "${type}" must be lower-case letters, digits, "_" or "-", starting with a letter`);
  }
}

/** The canonical key of an identifier, `type:value`; the value is used as given, so normalize first. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

/** Splits `type:value` at its first colon; the value may itself hold colons. */
export function parseIdentifierKey(key: string): Identifier {
  const colon = key.indexOf(':');
  if (colon <= 0) throw new TesseraError('invalid_argument', `identifier "${key}" must look like type:value, e.g. email:ann@example.com`);
  const type = key.slice(0, colon);
  assertIdentifierType(type);
  return { type, value: key.slice(colon + 1) };
}

function isSpace(code: number): boolean {
  return code <= 32 || code === 160 || code === 0xfeff || (code >= 0x2000 && code <= 0x200b) || code === 0x3000;
}

/** Whether trimming could change the value; avoids allocating a copy for the common clean value. */
export function hasOuterSpace(value: string): boolean {
  return value.length > 0 && (isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(value.length - 1)));
}

/**
 * Emails match trimmed and lower-cased (product.md). Lower-casing the local part is what every CDP does in
 * practice even though RFC 5321 lets it be case-sensitive: no mail provider in use treats it so.
 */
export function normalizeEmail(value: string): string | undefined {
  const email = (hasOuterSpace(value) ? value.trim() : value).toLowerCase();
  const at = email.indexOf('@');
  // A value without a local part and a domain cannot be anyone's address, so it must not link anyone.
  if (at <= 0 || at === email.length - 1) return undefined;
  return email;
}

/**
 * A stand-in until the standardization module supplies a libphonenumber-based normalizer with the workspace's
 * default region: it only strips formatting, so `+1 (555) 010-9999` and `+15550109999` match.
 */
export function normalizePhoneDigits(value: string): string | undefined {
  const plus = value.trimStart().startsWith('+');
  const digits = value.replace(/\D+/g, '');
  if (digits.length < 5) return undefined;
  return plus ? `+${digits}` : digits;
}

/** The normalizers used when the caller supplies none for a type. */
export const defaultNormalizers: IdentifierNormalizers = { email: normalizeEmail, phone: normalizePhoneDigits };

/** The identifier in matching form, or `undefined` when its value is not usable for its type. */
export function normalizeIdentifier(identifier: Identifier, normalizers: IdentifierNormalizers = defaultNormalizers): Identifier | undefined {
  assertIdentifierType(identifier.type);
  const normalize = normalizers[identifier.type];
  if (normalize === undefined) return identifier;
  const value = normalize(identifier.value);
  return value === undefined ? undefined : { type: identifier.type, value };
}
