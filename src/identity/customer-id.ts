// Crockford's base32 alphabet, lower-case: no i, l, o or u, so an id read aloud or retyped survives.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A customer id from the canonical key of the component's representative (IdentifierTable.compareRepr): `c_` + 13 base32 characters of
 * a 64-bit hash. Deterministic, so a rebuild gives the same ids; hashed, so no email shows through the id.
 * With 64 bits, a collision among 10 million customers has odds of about 3 in a million.
 */
export function customerIdFor(key: string): string {
  return customerIdForUnits(key, [], 0, 0);
}

/**
 * customerIdFor(prefix + the code units `units[from..to)`), without making that string: the graph keeps
 * values as bytes, and decoding every representative's key only to hash it was most of the cost of
 * reporting the customers an update touched.
 */
export function customerIdForUnits(prefix: string, units: ArrayLike<number>, from: number, to: number): string {
  // cyrb53's two 32-bit lanes, both kept: a small, well-mixed hash that needs no crypto module.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  for (let i = from; i < to; i++) {
    const c = units[i]!;
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return idOfLanes(h1, h2);
}

function idOfLanes(h1: number, h2: number): string {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hi = h2 >>> 0;
  const lo = h1 >>> 0;
  let out = 'c_';
  for (let k = 12; k >= 0; k--) {
    const pos = k * 5;
    let digit: number;
    if (pos >= 32) digit = (hi >>> (pos - 32)) & 31;
    else if (pos + 5 <= 32) digit = (lo >>> pos) & 31;
    else digit = ((lo >>> pos) | (hi << (32 - pos))) & 31;
    out += ALPHABET[digit];
  }
  return out;
}
