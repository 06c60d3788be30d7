import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv.js';

describe('CSV fields', () => {
  it('leaves plain values alone', () => {
    expect(csvLine(['ORD-1', 'ann@example.com', '12.50'])).toBe('ORD-1,ann@example.com,12.50');
  });

  it('quotes delimiters, quotes, line breaks and edge spaces', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' ann@example.com ')).toBe('" ann@example.com "');
    expect(csvField("O'Brien")).toBe("O'Brien");
  });
});
