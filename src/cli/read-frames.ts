import { CliFrame, TesseraError } from '../contract/index.js';

/**
 * The frames of a bridge answer, one a line, as their bytes arrive. A frame's JSON escapes its own line breaks,
 * so every raw `\n` ends one; a frame may come in many chunks, and a chunk may end inside a UTF-8 character.
 */
export async function* readFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<CliFrame> {
  const decoder = new TextDecoder();
  let parts: string[] = [];
  for await (const chunk of body) {
    let text = decoder.decode(chunk, { stream: true });
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      parts.push(text.slice(0, end));
      yield parseFrame(parts.join(''));
      parts = [];
      text = text.slice(end + 1);
    }
    if (text !== '') parts.push(text);
  }
}

function parseFrame(line: string): CliFrame {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const frame = CliFrame.safeParse(value);
  if (!frame.success) throw new TesseraError('internal', `the server answered the command with a line that is no frame of the bridge: ${line.slice(0, 80)}`);
  return frame.data;
}
