import { createHash } from 'node:crypto';

/**
 * A message id derived from a message's content: a name-based UUID (RFC 9562 version 8, SHA-256) of its JSON
 * text, so it looks like the ids SDKs and the server assign. The same message always gets the same id, so the
 * dedup on messageId makes a second import of a file a no-op.
 *
 * Two identical messages in one file therefore collapse into one event, on purpose: a message without an id
 * has nothing but its content to tell it apart, and an export repeating a line (archives delivered at least
 * once do) is a replay, not a second call. Adding the line number instead would keep such twins apart, but then
 * the same message in two overlapping exports, or in a file with a line added above it, would be stored twice.
 */
export function contentMessageId(message: Readonly<Record<string, unknown>>): string {
  const h = createHash('sha256').update('tessera:message:').update(JSON.stringify(message)).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
