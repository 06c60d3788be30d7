/**
 * Identifiers of the demo shop. Each is derived from a person's index through a bijection, so two
 * people can never draw the same id: a collision would silently merge them in identity resolution
 * and spoil the ground truth.
 */
import { avalanche } from './random.js';

const ROUND_MULTIPLIERS = [0x2c1b3c6d, 0x297a2d39, 0x5bd1e995] as const;

/**
 * A keyed permutation of the integers [0, 2^bits): odd multiplication and xor-shift are each
 * invertible modulo 2^bits, so their composition is too.
 */
export function permute(x: number, bits: number, key: number): number {
  if (bits < 8 || bits > 32) throw new RangeError(`permute needs 8–32 bits, got ${bits}`);
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (x < 0 || x > mask) throw new RangeError(`${x} does not fit in ${bits} bits`);
  const shift = Math.ceil(bits / 2);
  let h = x >>> 0;
  for (let round = 0; round < ROUND_MULTIPLIERS.length; round++) {
    const k = avalanche(key + round);
    h = ((h + k) & mask) >>> 0;
    h = (Math.imul(h, ROUND_MULTIPLIERS[round] ?? 1) & mask) >>> 0;
    h = (h ^ (h >>> shift)) >>> 0;
  }
  return h;
}

const byteHex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight hex digits; a table lookup, since ids are minted for every message. */
function hex8(v: number): string {
  return `${byteHex[(v >>> 24) & 255]}${byteHex[(v >>> 16) & 255]}${byteHex[(v >>> 8) & 255]}${byteHex[v & 255]}`;
}

function hex4(v: number): string {
  return `${byteHex[(v >>> 8) & 255]}${byteHex[v & 255]}`;
}

/**
 * A UUID-shaped (version 4 layout) string, injective in (high, low). The pair goes through a
 * four-round Feistel network (a bijection whatever its round function), so ids of one person share
 * no visible bits, which a resolver could otherwise exploit; r1 and r2 fill the remaining bits.
 */
export function uuidFrom(high: number, low: number, r1: number, r2: number): string {
  let left = high >>> 0;
  let right = low >>> 0;
  for (let round = 0; round < 4; round++) {
    const next = (left ^ avalanche(right + Math.imul(round + 1, 0x9e3779b9))) >>> 0;
    left = right;
    right = next;
  }
  const version = (0x4000 | ((r1 >>> 16) & 0x0fff)) >>> 0;
  const variant = (0x8000 | (r1 & 0x3fff)) >>> 0;
  return `${hex8(left)}-${hex4(right >>> 16)}-${hex4(version)}-${hex4(variant)}-${hex4(right)}${hex8(r2)}`;
}

/** Base-36 upper-case, padded: short ids that read like a real shop's. */
export function base36(value: number, width: number): string {
  return value.toString(36).toUpperCase().padStart(width, '0');
}

/** The largest number of people the id spaces below can tell apart (22-bit phone and email suffixes). */
export const MAX_PEOPLE = 1 << 22;

/** Namespaces keep a person's ids of different kinds from being the same string by accident. */
export const idSpace = {
  message: 1,
  anonymous: 2,
  user: 3,
  customer: 4,
  order: 5,
  ticket: 6,
  contact: 7,
} as const;
export type IdSpace = (typeof idSpace)[keyof typeof idSpace];

export function spaceKey(seed: number, space: IdSpace): number {
  return avalanche(seed ^ Math.imul(space, 0x9e3779b9));
}
