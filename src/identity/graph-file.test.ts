import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphFileReader, GraphImage, writeGraphFile } from './graph-file.js';
import { parseIdentifierKey } from './identifier.js';
import { applyObservations, createIdentityState, rebuild } from './identity-graph.js';
import type { IdentityOptions, Observation } from './identity-state.js';
import { explainIdentifier } from './explain.js';
import { customerOf, listAssignments, readMergeLog } from './read-graph.js';
import { splitIdentifier } from './split.js';

const dirs: string[] = [];
async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-graph-file-'));
  dirs.push(dir);
  return join(dir, 'identity-graph.bin');
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Observations from `id minute key key …` lines: a message at that minute holding those identifiers. */
function observations(...lines: string[]): Observation[] {
  return lines.map((line) => {
    const [messageId, minute, ...keys] = line.split(' ');
    return { messageId: messageId!, timestamp: Number(minute) * 60_000, identifiers: keys.map(parseIdentifierKey) };
  });
}

/** A history with merges, a shared device refused by the user-id limit, a blocked value, and a value past Latin-1. */
const history = observations(
  'm01 1 anon:a1 user:u1',
  'm02 2 user:u1 email:ann@example.com',
  'm03 3 anon:tablet user:u1',
  'm04 4 anon:tablet user:u2',
  'm05 5 user:undefined email:bob@example.com',
  'm06 6 anon:a6 email:bob@example.com',
  'm07 7 anon:a7 email:zoë@例え.jp',
  'm08 8 user:u3 email:zoë@例え.jp',
);
const later = observations('m00 0 anon:a7 user:u2', 'm09 9 anon:a9 email:ann@example.com', 'm10 10 anon:a6 user:u4');

async function saveAndRestore(state: ReturnType<typeof rebuild>, options: IdentityOptions = {}): Promise<ReturnType<typeof rebuild>> {
  const path = await tempFile();
  const image = new GraphImage();
  state.save(image);
  await writeGraphFile(path, image);
  const restored = createIdentityState({ ...options, rules: state.rules });
  const reader = new GraphFileReader(path);
  try {
    restored.restore(reader);
    reader.verify();
  } finally {
    reader.close();
  }
  return restored;
}

const assignments = (state: ReturnType<typeof rebuild>): string[] => [...listAssignments(state)].map((a) => `${a.type}:${a.value} → ${a.customerId}`).sort();

describe('the graph file', () => {
  it('gives back a graph that answers and then resolves exactly as the one saved', async () => {
    const state = rebuild(history);
    const restored = await saveAndRestore(state);
    expect(assignments(restored)).toEqual(assignments(state));
    expect(readMergeLog(restored)).toEqual(readMergeLog(state));
    expect(explainIdentifier(restored, 'email:zoë@例え.jp')).toEqual(explainIdentifier(state, 'email:zoë@例え.jp'));
    // New and late observations after the restore: the same as a rebuild over everything.
    applyObservations(restored, later);
    const everything = rebuild([...history, ...later]);
    expect(assignments(restored)).toEqual(assignments(everything));
    expect(readMergeLog(restored)).toEqual(readMergeLog(everything));
  });

  it('keeps a split made before the save in force after it', async () => {
    const state = rebuild(history);
    splitIdentifier(state, 'email:ann@example.com', { from: 'user:u1' });
    const restored = await saveAndRestore(state);
    // m11 would join the split's two sides again (a9 is ann's since m09).
    const after = [...later, ...observations('m11 11 user:u1 anon:a9')];
    applyObservations(restored, after);
    const everything = rebuild([...history, ...after], { rules: state.rules });
    expect(customerOf(everything, 'anon:a9')).not.toBe(customerOf(everything, 'user:u1'));
    expect(assignments(restored)).toEqual(assignments(everything));
    expect(restored.rules.forbidden).toEqual(state.rules.forbidden);
  });

  it('gives back an empty graph, as an empty workspace saves it, without a checksum error', async () => {
    const restored = await saveAndRestore(rebuild([]));
    expect(assignments(restored)).toEqual([]);
    applyObservations(restored, history);
    expect(assignments(restored)).toEqual(assignments(rebuild(history)));
  });

  it('round-trips arrays of every element size, empty ones (with no memory behind them) between full ones', async () => {
    const path = await tempFile();
    const kinds = [Int32Array, Uint32Array, Uint16Array, Uint8Array, Float64Array];
    const image = new GraphImage();
    for (const Kind of kinds) {
      image.array(`${Kind.name}.empty`, new Kind(0), 0);
      image.array(`${Kind.name}.odd`, Kind.from([1, 2, 3]), 3);
      image.array(`${Kind.name}.cut`, Kind.from([4, 5, 6, 7]), 2);
      image.array(`${Kind.name}.none`, Kind.from([8]), 0);
    }
    await writeGraphFile(path, image);
    const reader = new GraphFileReader(path);
    try {
      for (const Kind of kinds) {
        const read = (name: string) => {
          const target = new Kind(8);
          reader.readInto(`${Kind.name}.${name}`, target);
          return [...target.subarray(0, reader.length(`${Kind.name}.${name}`))].map(Number);
        };
        expect([read('empty'), read('odd'), read('cut'), read('none')]).toEqual([[], [1, 2, 3], [4, 5], []]);
      }
      reader.verify();
    } finally {
      reader.close();
    }
  });

  it('refuses a file whose bytes changed, that is cut short, or that is not a graph file', async () => {
    const path = await tempFile();
    const image = new GraphImage();
    rebuild(history).save(image);
    const size = await writeGraphFile(path, image);
    expect((await stat(path)).size).toBe(size);
    const whole = await readFile(path);

    const flipped = Buffer.from(whole);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0x10;
    await writeFile(path, flipped);
    const reader = new GraphFileReader(path);
    try {
      createIdentityState().restore(reader);
      expect(() => reader.verify()).toThrow(/checksum/);
    } finally {
      reader.close();
    }

    await writeFile(path, whole.subarray(0, whole.length - 16));
    expect(() => new GraphFileReader(path)).toThrow(/bytes/);
    await writeFile(path, 'hello, not a graph');
    expect(() => new GraphFileReader(path)).toThrow(/not a graph file/);
  });

  it('will not read a graph saved under rules that size records differently', async () => {
    const path = await tempFile();
    const image = new GraphImage();
    rebuild(history).save(image);
    await writeGraphFile(path, image);
    const reader = new GraphFileReader(path);
    try {
      const other = createIdentityState({ rules: { limits: { user: 1, email: 5, anon: 50, phone: 3, crm: 1 } } });
      expect(() => other.restore(reader)).toThrow(/records of/);
    } finally {
      reader.close();
    }
  });
});
