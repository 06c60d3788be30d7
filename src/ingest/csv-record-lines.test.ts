import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanRecordSteps, type RecordStep } from './csv-record-lines.js';
import type { SourceFile, SourceLayout } from './import-source.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-record-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
async function steps(text: string, options: { columns?: number; layout?: Partial<SourceLayout>; through?: number } = {}): Promise<RecordStep[]> {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, text);
  const source: SourceFile = {
    path,
    layout: { format: 'csv', delimiter: ',', header: true, quote: '"', ...options.layout },
    columns: Array.from({ length: options.columns ?? 3 }, (_, i) => `c${i}`),
    headerLines: 1,
    compression: 'auto',
    encoding: 'utf-8',
  };
  const out: RecordStep[] = [];
  for await (const batch of scanRecordSteps(source, options.through ?? Number.MAX_SAFE_INTEGER, 2)) out.push(...batch);
  return out;
}

describe('where the records of a CSV file start', () => {
  it('needs no step for a file of one record a line', async () => {
    expect(await steps('h,h,h\n1,a,b\n2,c,d\n')).toEqual([]);
  });

  it('moves the records after a blank line down a line, and counts it as one of the reader’s lines', async () => {
    // Record 3 ("2,c,d") is the reader's line 4 and the file's line 4.
    expect(await steps('h,h,h\n1,a,b\n\n2,c,d\n3,e,f\n')).toEqual([[3, 4, 4]]);
  });

  it('counts the line breaks of a quoted field, doubled quotes and all, in the file’s lines only', async () => {
    expect(await steps('h,h,h\r\n1,"a\r\n""b""\r\nc",x\r\n2,c,d\r\n')).toEqual([[3, 3, 5]]);
  });

  it('reads a quote inside a field as text, and a lone CR as the end of a line', async () => {
    expect(await steps('h,h,h\r1,5" screen,b\r\r2,c,d\r')).toEqual([[3, 4, 4]]);
  });

  it('makes a row of a blank line in a one-column or whitespace-separated file, as the reader does', async () => {
    expect(await steps('h\n1\n\n"2\n"\n3\n', { columns: 1 })).toEqual([[5, 5, 6]]);
    expect(await steps('h\n1 2\n\n"3 4\n5 6\n', { columns: 1, layout: { delimiter: 'whitespace' } })).toEqual([]);
  });

  it('honours the quote the file was read with, or none', async () => {
    expect(await steps("h;h;h\n1;'a\nb';c\n2;d;e\n", { layout: { delimiter: ';', quote: "'" } })).toEqual([[3, 3, 4]]);
    expect(await steps('h,h,h\n1,"a\nb",c\n2,d,e\n', { layout: { quote: 'none' } })).toEqual([]);
  });

  it('stops reading once the record asked for has started', async () => {
    expect(await steps('h,h,h\n1,a,b\n\n2,c,d\n\n3,e,f\n', { through: 3 })).toEqual([[3, 4, 4]]);
  });
});
