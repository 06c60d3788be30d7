import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

export type SectionArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** What a part of the graph writes into a graph file: scalars and names in the header, arrays as raw bytes. */
export interface GraphSink {
  number(name: string, value: number): void;
  text(name: string, value: string): void;
  /** The first `length` elements of `array`. */
  array(name: string, array: SectionArray, length: number): void;
}

/** What a part of the graph reads back; every read names what it expects, so a mismatched file throws. */
export interface GraphSource {
  number(name: string): number;
  text(name: string): string;
  /** Elements stored for the array `name`. */
  length(name: string): number;
  /** Reads array `name` into the start of `target`, which must have room for it. */
  readInto(name: string, target: SectionArray): void;
}

/** Bumped whenever what a part writes changes: a file of another layout is ignored, not misread. */
const LAYOUT = 1;
const MAGIC = 'tessera-identity-graph';

interface Section {
  name: string;
  kind: string;
  length: number;
  offset: number;
}

interface Header {
  magic: string;
  layout: number;
  numbers: Record<string, number>;
  texts: Record<string, string>;
  sections: Section[];
  /** CRC-32 of the bytes after the header. */
  crc: number;
  bytes: number;
}

const kindOf = (a: SectionArray): string => a.constructor.name;

/** Collects a graph's parts in memory before they are written; the arrays are referenced, not copied. */
export class GraphImage implements GraphSink {
  readonly numbers: Record<string, number> = {};
  readonly texts: Record<string, string> = {};
  readonly arrays: Array<{ name: string; view: Uint8Array; kind: string; length: number }> = [];

  number(name: string, value: number): void {
    this.numbers[name] = value;
  }

  text(name: string, value: string): void {
    this.texts[name] = value;
  }

  array(name: string, array: SectionArray, length: number): void {
    if (length > array.length) throw new Error(`graph file: ${name} holds ${array.length} elements, not ${length}`);
    this.arrays.push({ name, view: new Uint8Array(array.buffer, array.byteOffset, length * array.BYTES_PER_ELEMENT), kind: kindOf(array), length });
  }
}

/**
 * Extends a CRC-32 over `bytes`. An empty typed array may have no memory behind it, and zlib's crc32 given no
 * buffer answers its initial value, 0, whatever it was extending: an empty section (an empty graph has several)
 * reset the writer's checksum, never the reader's, whose arrays always have room.
 */
const extendCrc = (crc: number, bytes: Uint8Array): number => (bytes.length === 0 ? crc : crc32(bytes, crc));

/** Sections start on 8-byte boundaries, so a Float64Array can be read straight into place. */
const align = (n: number): number => (n + 7) & ~7;
/** Written a slice at a time, so the event loop of a server turns between slices. */
const WRITE_SLICE = 32 << 20;

const tempPath = (path: string): string => `${path}.tmp`;

/**
 * Removes the temporary file of a save whose process was killed before its rename: as large as the graph (760 MB at
 * a million customers), and otherwise kept until the next save. Only by a process holding the data directory.
 */
export function clearAbandonedGraphFile(path: string): void {
  rmSync(tempPath(path), { force: true });
}

/**
 * Writes `image` to `path` atomically: a temporary file beside it, flushed to disk, then renamed over it. A
 * crash midway leaves the previous file (or none), never a torn one. The caller must not change the arrays
 * until the promise settles.
 */
export async function writeGraphFile(path: string, image: GraphImage): Promise<number> {
  const sections: Section[] = [];
  const padding = new Uint8Array(8);
  let offset = 0;
  let crc = 0;
  for (const a of image.arrays) {
    const start = align(offset);
    // The CRC covers the padding too, as written, so the reader checks the bytes exactly as they lie.
    crc = extendCrc(extendCrc(crc, padding.subarray(0, start - offset)), a.view);
    sections.push({ name: a.name, kind: a.kind, length: a.length, offset: start });
    offset = start + a.view.length;
  }
  const bytes = offset;
  const header: Header = { magic: MAGIC, layout: LAYOUT, numbers: image.numbers, texts: image.texts, sections, crc, bytes };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(align(8 + headerBytes.length));
  prefix.writeUInt32LE(headerBytes.length, 0);
  prefix.write('TIG1', 4, 'latin1');
  headerBytes.copy(prefix, 8);
  const tmp = tempPath(path);
  const handle = await open(tmp, 'w', 0o600);
  try {
    let position = 0;
    const put = async (view: Uint8Array): Promise<void> => {
      for (let k = 0; k < view.length; k += WRITE_SLICE) {
        const slice = view.subarray(k, Math.min(view.length, k + WRITE_SLICE));
        let done = 0;
        while (done < slice.length) done += (await handle.write(slice, done, slice.length - done, position + done)).bytesWritten;
        position += slice.length;
      }
    };
    await put(prefix);
    const base = position;
    for (let i = 0; i < image.arrays.length; i++) {
      const gap = base + sections[i]!.offset - position;
      if (gap > 0) await put(padding.subarray(0, gap));
      await put(image.arrays[i]!.view);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  // The rename itself reaches the disk only with its directory.
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return prefix.length + bytes;
}

/** A graph file opened for reading; `close` releases it. Throws when the file is not a whole graph file of this layout. */
export class GraphFileReader implements GraphSource {
  private readonly fd: number;
  private readonly header: Header;
  private readonly base: number;
  private readonly byName = new Map<string, Section>();
  private crc = 0;
  private read = 0;
  /** Where the last array read ends, from the first array's start. */
  private end = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      const head = Buffer.alloc(8);
      if (size < 8 || readSync(this.fd, head, 0, 8, 0) !== 8 || head.toString('latin1', 4, 8) !== 'TIG1') throw new Error('not a graph file');
      const length = head.readUInt32LE(0);
      if (8 + length > size) throw new Error('graph file header is cut short');
      const json = Buffer.alloc(length);
      readSync(this.fd, json, 0, length, 8);
      const header = JSON.parse(json.toString('utf8')) as Header;
      if (header.magic !== MAGIC || header.layout !== LAYOUT) throw new Error(`graph file of another layout (${String(header.layout)})`);
      this.base = align(8 + length);
      if (this.base + header.bytes !== size) throw new Error(`graph file holds ${size} bytes, its header says ${this.base + header.bytes}`);
      this.header = header;
      for (const s of header.sections) this.byName.set(s.name, s);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  number(name: string): number {
    const v = this.header.numbers[name];
    if (typeof v !== 'number') throw new Error(`graph file has no number ${name}`);
    return v;
  }

  text(name: string): string {
    const v = this.header.texts[name];
    if (typeof v !== 'string') throw new Error(`graph file has no text ${name}`);
    return v;
  }

  private section(name: string): Section {
    const s = this.byName.get(name);
    if (s === undefined) throw new Error(`graph file has no array ${name}`);
    return s;
  }

  length(name: string): number {
    return this.section(name).length;
  }

  readInto(name: string, target: SectionArray): void {
    const s = this.section(name);
    if (s.kind !== kindOf(target)) throw new Error(`graph file array ${name} is ${s.kind}, not ${kindOf(target)}`);
    if (s.length > target.length) throw new Error(`graph file array ${name} needs room for ${s.length}`);
    // Sections are read in the order they were written, so the CRC runs over the file front to back.
    if (s !== this.header.sections[this.read]) throw new Error(`graph file array ${name} read out of order`);
    if (s.offset > this.end) this.crc = extendCrc(this.crc, new Uint8Array(s.offset - this.end));
    const view = new Uint8Array(target.buffer, target.byteOffset, s.length * target.BYTES_PER_ELEMENT);
    let done = 0;
    while (done < view.length) {
      const n = readSync(this.fd, view, done, view.length - done, this.base + s.offset + done);
      if (n === 0) throw new Error(`graph file array ${name} is cut short`);
      done += n;
    }
    this.crc = extendCrc(this.crc, view);
    this.end = s.offset + view.length;
    this.read++;
  }

  /** Throws unless every array was read and the bytes match the checksum written with them. */
  verify(): void {
    if (this.read !== this.header.sections.length) throw new Error('graph file holds arrays nobody read');
    if (this.crc !== this.header.crc) throw new Error('graph file checksum does not match');
  }

  close(): void {
    closeSync(this.fd);
  }
}
