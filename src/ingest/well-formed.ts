/** Lone UTF-16 surrogates: a well-formed pair is one code point to a `u` regex, a lone half is one of these. */
const loneSurrogates = /\p{Cs}/gu;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A string made well-formed, each lone surrogate replaced by U+FFFD. JSON.stringify writes a lone surrogate as an
 * escape (`\ud83d`) that the store's JSON reader refuses, and the loader skips a line it cannot read: the message
 * (or rejection) would be lost after its 200. A UTF-8 decoder, and Segment's API, put U+FFFD in its place.
 */
export function wellFormed(text: string): string {
  return text.replace(loneSurrogates, '\ufffd');
}

/** A JSON value with every string and key made well-formed (a copy; objects as JSON.parse makes them, `__proto__` an own key). */
export function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormedValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormedValue(v)]));
  return value;
}
