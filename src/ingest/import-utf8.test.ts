import { describe, expect, it } from 'vitest';
import { decodeLatin1Line, firstInvalidUtf8 } from './import-utf8.js';

const latin1 = (bytes: number[]) => Buffer.from(bytes).toString('latin1');

describe('UTF-8 checks of imported lines', () => {
  it('passes ASCII and well-formed multi-byte text through unchanged', () => {
    expect(decodeLatin1Line('{"a":1}')).toEqual({ text: '{"a":1}' });
    const text = 'Zoë → 東京 😀';
    expect(decodeLatin1Line(Buffer.from(text, 'utf8').toString('latin1'))).toEqual({ text });
  });

  it('gives the byte column of the first byte that is not UTF-8', () => {
    // "café" written in latin1: é is the lone byte 0xE9 at column 4.
    expect(decodeLatin1Line(latin1([0x63, 0x61, 0x66, 0xe9, 0x22]))).toEqual({ badColumn: 4 });
  });

  it('rejects overlong forms, surrogates, truncated sequences and bytes past U+10FFFF', () => {
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xe0, 0x80, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x41, 0x42, 0xe6, 0x9d]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xf0, 0x9f, 0x98, 0x80]))).toBe(-1);
  });
});
