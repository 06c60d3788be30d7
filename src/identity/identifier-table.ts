import { assertIdentifierType, defaultNormalizers, parseIdentifierKey, type IdentifierNormalizer, type IdentifierNormalizers } from './identifier.js';
import { ForbiddenLinks } from './forbidden-links.js';
import type { GraphSink, GraphSource } from './graph-file.js';
import { RULE_FORBIDDEN_LINK, RULE_LIMIT } from './merge-log.js';
import type { BlockingRule, CompiledMergeRules } from './merge-rules.js';
import { customerIdForUnits } from './customer-id.js';
import { ByteStrings, type StringArena } from './string-arena.js';
import { grownCapacity } from './typed-buffers.js';
import { ValueIndex } from './value-index.js';

/** Per-identifier flag bits. */
export const BLOCKED = 1;
export const INVALID = 2;
export const FORBIDDEN = 4;
/** The identifier is one end of a forbidden link. */
export const CONSTRAINED = 8;
/** Meaningful on a root only: some member is CONSTRAINED, so merges must check the forbidden links. */
export const COMPONENT_CONSTRAINED = 16;
/** Blocked and invalid identifiers never join the graph: each stays alone and has no customer. */
export const OUTSIDE_GRAPH = BLOCKED | INVALID;
/** Identifiers that never link to another. */
export const UNLINKABLE = BLOCKED | INVALID | FORBIDDEN;

// Fields of an identifier's record (int32 offsets). Root-only fields are meaningful where PARENT is itself.
const PARENT = 0;
/** Component size, at roots. */
const SIZE = 1;
/** Next member in the component's circular list. */
const NEXT = 2;
/** The member that names the customer (see compareRepr); at roots. */
const REPR = 3;
/** Flag bits in the low byte, type number above. */
const FLAGS = 4;
/** Message of the identifier's first sighting. */
const MESSAGE = 5;
/** Latest occurrence of the identifier in the observation log, -1 if none. */
const HEAD = 6;
/** Replay stamp. */
const MARK = 7;
/** Where the value's characters start in `values`, and their encoded length. */
const VALUE_AT = 8;
const VALUE_LENGTH = 9;
/** Counts of the limited types, two 16-bit counts per int32; at roots. */
const COUNTS = 10;
/** 2^44: a representative's rank weighs more than any first-seen time (see reprKey). */
const REPR_RANK_SCALE = 17_592_186_044_416;

interface TypeInfo {
  readonly name: string;
  /** `name:`, the start of every key of this type. */
  readonly keyPrefix: string;
  readonly rank: number;
  /** Index into the limit counters, -1 for a type without a limit. */
  readonly slot: number;
  readonly normalize: IdentifierNormalizer | undefined;
}

/**
 * Identifiers interned to dense integers, and the union-find over them. Each identifier is one fixed-size
 * record in a single Int32Array (parent, size, member list, representative, flags and type, first sighting,
 * per-type counts), so a union touches two cache lines instead of a dozen parallel arrays: at five million
 * identifiers processed in time order, memory latency is most of the cost. The earliest sighting's time is
 * a float64 inside the record; roots also cache their representative's sort key (reprKey: its type's rank,
 * then its time), which decides most unions' representative without looking at a third record.
 */
export class IdentifierTable {
  count = 0;
  readonly types: TypeInfo[] = [];
  /** Identifier values; each record holds where its value is. */
  readonly values = new ByteStrings();
  nodes = new Int32Array(0);
  /** A float64 view of `nodes`, for the time fields. */
  times = new Float64Array(0);
  readonly stride: number;
  readonly limitTypes: readonly string[];
  readonly forbidden = new ForbiddenLinks();
  private readonly time: number;
  private readonly rootTime: number;
  private readonly countInts: number;
  /** Limits by slot, padded to whole int32s; an unused half never counts anything, so never refuses. */
  private readonly limitValues: Int32Array;
  private readonly typeIds = new Map<string, number>();
  private readonly index = new ValueIndex();
  private readonly normalizers: IdentifierNormalizers;
  // Scratch of internBatch, reused from batch to batch.
  private readonly batchStored: string[] = [];
  private batchHashes = new Int32Array(0);
  private batchCandidates = new Int32Array(0);
  private batchUnusable = new Uint8Array(0);
  /** Where the reads ahead land, so the compiler cannot drop them as unused. */
  readAheadSink = 0;

  constructor(
    readonly rules: CompiledMergeRules,
    readonly messages: StringArena,
    normalizers: IdentifierNormalizers = {},
  ) {
    this.normalizers = { ...defaultNormalizers, ...normalizers };
    this.limitTypes = rules.limits.map((l) => l.type);
    this.countInts = Math.ceil(this.limitTypes.length / 2);
    this.limitValues = new Int32Array(this.countInts * 2).fill(0xffff);
    rules.limits.forEach((l, s) => (this.limitValues[s] = l.limit));
    this.time = (COUNTS + this.countInts + 1) & ~1;
    this.rootTime = this.time + 2;
    this.stride = Math.max(16, this.rootTime + 2);
  }

  reserve(n: number): void {
    const have = this.nodes.length / this.stride;
    if (n <= have) return;
    // Whole records, and an even stride, keep the float64 view aligned.
    const records = grownCapacity(have, n, 4 * this.stride);
    const nodes = new Int32Array(records * this.stride);
    nodes.set(this.nodes);
    this.nodes = nodes;
    this.times = new Float64Array(nodes.buffer);
  }

  save(sink: GraphSink): void {
    sink.number('table.count', this.count);
    sink.number('table.stride', this.stride);
    sink.text('table.types', JSON.stringify(this.types.map((t) => t.name)));
    sink.array('table.nodes', this.nodes, this.count * this.stride);
    this.values.save(sink, 'table.values');
    this.index.save(sink, 'table.index');
  }

  /**
   * Reads a saved table into this empty one, made with the same rules (the caller checks the file's
   * fingerprint). The forbidden rules' flags come back with the records; the caller reapplies the rules to
   * resolve their identifier numbers.
   */
  restore(source: GraphSource): void {
    if (this.count !== 0 || this.types.length !== 0) throw new Error('graph file: restore into a table in use');
    const stride = source.number('table.stride');
    if (stride !== this.stride) throw new Error(`graph file: records of ${stride} ints, rules make ${this.stride}`);
    const names = JSON.parse(source.text('table.types')) as string[];
    names.forEach((name, k) => {
      if (this.typeIdFor(name) !== k) throw new Error(`graph file: type ${name} out of place`);
    });
    const count = source.number('table.count');
    this.reserve(count + 1);
    source.readInto('table.nodes', this.nodes);
    this.count = count;
    this.values.restore(source, 'table.values');
    this.index.restore(source, 'table.index');
  }

  typeIdFor(name: string): number {
    // A handful of types, mostly the same string literals: a scan beats hashing the name per identifier.
    const types = this.types;
    for (let t = 0; t < types.length && t < 8; t++) if (types[t]!.name === name) return t;
    const known = this.typeIds.get(name);
    if (known !== undefined) return known;
    assertIdentifierType(name);
    const id = this.types.length;
    const slot = this.limitTypes.indexOf(name);
    this.types.push({ name, keyPrefix: `${name}:`, rank: this.rules.rankOf(name), slot, normalize: this.normalizers[name] });
    this.typeIds.set(name, id);
    return id;
  }

  /**
   * Interns `n` identifiers (type numbers and raw values) into `out`, creating each on first sight, and sets
   * `existed[k]` when identifier k was known before its turn. Values are normalized and checked against
   * the blocked list once, when created. The index slots, the records
   * they point to and those records' stored values are read for the whole batch first: at millions of
   * identifiers each is a cache miss, and misses whose addresses do not depend on one another overlap,
   * where one lookup at a time waits out each in turn (about 4x slower in isolation on this machine).
   */
  internBatch(typeIds: Int32Array, raws: readonly string[], n: number, out: Int32Array, existed: Uint8Array): void {
    if (this.batchHashes.length < n) {
      this.batchHashes = new Int32Array(n);
      this.batchCandidates = new Int32Array(n);
      this.batchUnusable = new Uint8Array(n);
    }
    const stored = this.batchStored;
    const hashes = this.batchHashes;
    const candidates = this.batchCandidates;
    const unusable = this.batchUnusable;
    for (let k = 0; k < n; k++) {
      const typeId = typeIds[k]!;
      const raw = raws[k]!;
      const normalize = this.types[typeId]!.normalize;
      const value = normalize === undefined ? raw : normalize(raw);
      // An unusable value is kept under its raw form: a normalizer is idempotent, so no valid value can equal it.
      const key = value ?? raw;
      stored[k] = key;
      unusable[k] = value === undefined ? 1 : 0;
      hashes[k] = ValueIndex.hash(typeId, key);
    }
    let sink = this.index.readAhead(hashes, n, candidates);
    const nodes = this.nodes;
    const stride = this.stride;
    for (let k = 0; k < n; k++) {
      const c = candidates[k]!;
      if (c >= 0) sink ^= nodes[c * stride + VALUE_AT]!;
    }
    const bytes = this.values.narrowBytes;
    for (let k = 0; k < n; k++) {
      const c = candidates[k]!;
      if (c < 0) continue;
      const at = nodes[c * stride + VALUE_AT]! >>> 0;
      if (at < bytes.length) sink ^= bytes[at]!;
    }
    this.readAheadSink = sink;
    for (let k = 0; k < n; k++) {
      const before = this.count;
      const x = this.internStored(typeIds[k]!, stored[k]!, unusable[k] === 1, raws[k]!, hashes[k]!);
      out[k] = x;
      existed[k] = x < before ? 1 : 0;
    }
    stored.length = 0;
  }

  private internStored(typeId: number, stored: string, unusable: boolean, raw: string, h: number): number {
    const known = this.index.find(typeId, stored, h, this);
    if (known >= 0) return known;
    const flag = unusable ? (this.rules.isBlocked(raw) ? BLOCKED : INVALID) : this.isBlockedValue(typeId, stored) ? BLOCKED : 0;
    const x = this.create(typeId, stored, flag);
    this.index.insert(x, h);
    return x;
  }

  /**
   * Imports name a row's anonymous id after its source and its first identifier (`orders:C1001`,
   * `orders:ann@x.com`): one made from a blocked value (`orders:0`) would gather every row that carries that
   * value, so it is blocked with it. The same holds for any anonymous id whose last `:` part is junk.
   */
  private isBlockedValue(typeId: number, value: string): boolean {
    if (this.rules.isBlocked(value)) return true;
    const made = this.madeFrom(typeId, value);
    return made !== undefined && this.rules.isBlocked(made);
  }

  /** The identifier an import made an anonymous id from (its last `:` part), undefined for any other value. */
  private madeFrom(typeId: number, value: string): string | undefined {
    if (this.types[typeId]!.name !== 'anon') return undefined;
    const colon = value.lastIndexOf(':');
    // A value ending in `:` is someone's id, not one made of an empty identifier (imports never make those).
    return colon >= 0 && colon < value.length - 1 ? value.slice(colon + 1) : undefined;
  }

  /**
   * Why a blocked identifier is blocked: the value that matched (the whole value, or the part an import's
   * anonymous id was made from) and the rule's entry. Derived from the rules in force, which are the rules the
   * flag was set under: a graph is only ever restored from its file under the rules it was saved with, and a
   * change of rules rebuilds it. Undefined when the identifier is not blocked.
   */
  blockedBy(x: number): { value: string; rule: BlockingRule } | undefined {
    if ((this.flagsOf(x) & BLOCKED) === 0) return undefined;
    const value = this.value(x);
    const whole = this.rules.blockingRule(value);
    if (whole !== undefined) return { value, rule: whole };
    const made = this.madeFrom(this.typeIdOf(x), value);
    const part = made === undefined ? undefined : this.rules.blockingRule(made);
    return made === undefined || part === undefined ? undefined : { value: made, rule: part };
  }

  /** The identifier's number, or -1 when it has never been seen. */
  lookup(typeName: string, raw: string): number {
    const typeId = this.typeIds.get(typeName);
    if (typeId === undefined) return -1;
    const type = this.types[typeId]!;
    const value = (type.normalize === undefined ? raw : type.normalize(raw)) ?? raw;
    return this.index.find(typeId, value, ValueIndex.hash(typeId, value), this);
  }

  lookupKey(key: string): number {
    const { type, value } = parseIdentifierKey(key);
    return this.lookup(type, value);
  }

  /** The canonical `type:value` form of a key, as interned (so `email: Ann@X.com ` names `email:ann@x.com`). */
  canonicalKey(key: string): string {
    const { type, value } = parseIdentifierKey(key);
    const normalize = this.normalizers[type];
    return `${type}:${(normalize === undefined ? value : normalize(value)) ?? value}`;
  }

  private create(typeId: number, value: string, flag: number): number {
    const x = this.count;
    if ((x + 1) * this.stride > this.nodes.length) this.reserve(x + 1);
    this.count = x + 1;
    const valueAt = this.values.append(value);
    const type = this.types[typeId]!;
    if (this.forbidden.pending.size > 0) flag |= this.forbidden.flagsForNew(`${type.name}:${value}`, x);
    if ((flag & CONSTRAINED) !== 0) flag |= COMPONENT_CONSTRAINED;
    const nodes = this.nodes;
    const at = x * this.stride;
    nodes[at + PARENT] = x;
    nodes[at + SIZE] = 1;
    nodes[at + NEXT] = x;
    nodes[at + REPR] = x;
    nodes[at + FLAGS] = flag | (typeId << 8);
    nodes[at + MESSAGE] = -1;
    nodes[at + HEAD] = -1;
    nodes[at + MARK] = 0;
    nodes[at + VALUE_AT] = valueAt;
    nodes[at + VALUE_LENGTH] = this.values.lastLength;
    for (let k = 0; k < this.countInts; k++) nodes[at + COUNTS + k] = 0;
    if (type.slot >= 0 && (flag & OUTSIDE_GRAPH) === 0) nodes[at + COUNTS + (type.slot >> 1)] = 1 << (16 * (type.slot & 1));
    this.times[(at + this.time) >> 1] = Infinity;
    this.times[(at + this.rootTime) >> 1] = Infinity;
    return x;
  }

  flagsOf(x: number): number {
    return this.nodes[x * this.stride + FLAGS]! & 0xff;
  }

  typeIdOf(x: number): number {
    return this.nodes[x * this.stride + FLAGS]! >>> 8;
  }

  private setFlags(x: number, flags: number): void {
    const at = x * this.stride + FLAGS;
    this.nodes[at] = (this.nodes[at]! & ~0xff) | flags;
  }

  reprOf(r: number): number {
    return this.nodes[r * this.stride + REPR]!;
  }

  isRoot(x: number): boolean {
    return this.nodes[x * this.stride + PARENT] === x;
  }

  firstTimeOf(x: number): number {
    return this.times[(x * this.stride + this.time) >> 1]!;
  }

  firstMessageOf(x: number): number {
    return this.nodes[x * this.stride + MESSAGE]!;
  }

  headOf(x: number): number {
    return this.nodes[x * this.stride + HEAD]!;
  }

  setHead(x: number, occurrence: number): void {
    this.nodes[x * this.stride + HEAD] = occurrence;
  }

  /** Stamps `x` with `epoch`; false if it already carried it. */
  mark(x: number, epoch: number): boolean {
    const at = x * this.stride + MARK;
    if (this.nodes[at] === epoch) return false;
    this.nodes[at] = epoch;
    return true;
  }

  isMarked(x: number, epoch: number): boolean {
    return this.nodes[x * this.stride + MARK] === epoch;
  }

  key(x: number): string {
    return `${this.typeName(x)}:${this.value(x)}`;
  }

  /** customerIdFor(key(x)), hashed from the stored bytes without decoding the key. */
  customerIdOf(x: number): string {
    const at = x * this.stride;
    const start = this.nodes[at + VALUE_AT]! >>> 0;
    const length = this.nodes[at + VALUE_LENGTH]!;
    const prefix = this.types[this.nodes[at + FLAGS]! >>> 8]!.keyPrefix;
    if (length >= 0) return customerIdForUnits(prefix, this.values.narrowBytes, start, start + length);
    const units = this.values.units(start, length);
    return customerIdForUnits(prefix, units, 0, units.length);
  }

  /** Where `x`'s value starts in `values`, for a writer that copies it as bytes. */
  valueAt(x: number): number {
    return this.nodes[x * this.stride + VALUE_AT]! >>> 0;
  }

  /** The stored length of `x`'s value: one byte a character, or ~length for the two-byte form (see ByteStrings). */
  valueLength(x: number): number {
    return this.nodes[x * this.stride + VALUE_LENGTH]!;
  }

  value(x: number): string {
    const at = x * this.stride;
    return this.values.get(this.nodes[at + VALUE_AT]! >>> 0, this.nodes[at + VALUE_LENGTH]!);
  }

  /** Whether identifier `x` has type `typeId` and value `value`. */
  matches(x: number, typeId: number, value: string): boolean {
    const at = x * this.stride;
    const nodes = this.nodes;
    return nodes[at + FLAGS]! >>> 8 === typeId && this.values.equals(nodes[at + VALUE_AT]! >>> 0, nodes[at + VALUE_LENGTH]!, value);
  }

  typeName(x: number): string {
    return this.types[this.typeIdOf(x)]!.name;
  }

  /** Sets the FORBIDDEN and CONSTRAINED flags from the rules' forbidden identifiers and links (canonical keys). */
  applyForbidden(identifiers: readonly string[], links: ReadonlyArray<readonly [string, string]>): void {
    const forbidden = this.forbidden;
    for (const x of forbidden.flagged) this.setFlags(x, this.flagsOf(x) & ~(FORBIDDEN | CONSTRAINED));
    forbidden.flagged = [];
    forbidden.pending.clear();
    const mark = (key: string, flag: number): number => {
      forbidden.pending.set(key, (forbidden.pending.get(key) ?? 0) | flag);
      const x = this.lookupKey(key);
      if (x >= 0) {
        this.setFlags(x, this.flagsOf(x) | flag);
        forbidden.flagged.push(x);
      }
      return x;
    };
    for (const key of identifiers) mark(key, FORBIDDEN);
    forbidden.pairs = links.map(([a, b]) => ({ a, b, ia: mark(a, CONSTRAINED), ib: mark(b, CONSTRAINED) }));
    for (const x of forbidden.flagged) {
      if ((this.flagsOf(x) & CONSTRAINED) !== 0) {
        const r = this.find(x);
        this.setFlags(r, this.flagsOf(r) | COMPONENT_CONSTRAINED);
      }
    }
  }

  /**
   * Points every identifier straight at its root. Afterwards `find` writes only the values already there, so the
   * arrays can be written out (the graph file, with its checksum taken first) while another reader calls it.
   */
  flatten(): void {
    const nodes = this.nodes;
    const stride = this.stride;
    for (let x = 0; x < this.count; x++) nodes[x * stride + PARENT] = this.find(x);
  }

  find(x: number): number {
    const nodes = this.nodes;
    const stride = this.stride;
    // Path halving: every other node on the path skips to its grandparent, with no recursion or second pass.
    let p = nodes[x * stride]!;
    while (p !== x) {
      const gp = nodes[p * stride]!;
      nodes[x * stride] = gp;
      x = gp;
      p = nodes[x * stride]!;
    }
    return x;
  }

  /** 0 when roots `a` and `b` may merge, else the code of the rule that refuses it. */
  checkMerge(a: number, b: number): number {
    const nodes = this.nodes;
    const at = a * this.stride;
    const bt = b * this.stride;
    if ((nodes[at + FLAGS]! & nodes[bt + FLAGS]! & COMPONENT_CONSTRAINED) !== 0) {
      for (const pair of this.forbidden.pairs) {
        if (pair.ia < 0 || pair.ib < 0) continue;
        const ra = this.find(pair.ia);
        const rb = this.find(pair.ib);
        if ((ra === a && rb === b) || (ra === b && rb === a)) return RULE_FORBIDDEN_LINK;
      }
    }
    const limits = this.limitValues;
    for (let k = 0; k < this.countInts; k++) {
      const ca = nodes[at + COUNTS + k]!;
      const cb = nodes[bt + COUNTS + k]!;
      if ((ca & 0xffff) + (cb & 0xffff) > limits[2 * k]!) return RULE_LIMIT + 2 * k;
      if ((ca >>> 16) + (cb >>> 16) > limits[2 * k + 1]!) return RULE_LIMIT + 2 * k + 1;
    }
    return 0;
  }

  /** Merges two roots that checkMerge allowed, the larger keeping its root; returns the new root. */
  union(a: number, b: number): number {
    const nodes = this.nodes;
    const stride = this.stride;
    let at = a * stride;
    let bt = b * stride;
    if (nodes[at + SIZE]! < nodes[bt + SIZE]!) {
      [a, b, at, bt] = [b, a, bt, at];
    }
    nodes[bt + PARENT] = a;
    nodes[at + SIZE] = nodes[at + SIZE]! + nodes[bt + SIZE]!;
    // Splicing two circular lists is one swap of their next pointers.
    const next = nodes[at + NEXT]!;
    nodes[at + NEXT] = nodes[bt + NEXT]!;
    nodes[bt + NEXT] = next;
    // checkMerge guaranteed every 16-bit count stays within its limit, so the packed halves cannot carry.
    for (let k = 0; k < this.countInts; k++) nodes[at + COUNTS + k] = nodes[at + COUNTS + k]! + nodes[bt + COUNTS + k]!;
    const ta = this.times[(at + this.rootTime) >> 1]!;
    const tb = this.times[(bt + this.rootTime) >> 1]!;
    if (tb < ta || (tb === ta && this.compareRepr(nodes[bt + REPR]!, nodes[at + REPR]!) < 0)) {
      nodes[at + REPR] = nodes[bt + REPR]!;
      this.times[(at + this.rootTime) >> 1] = tb;
    }
    nodes[at + FLAGS] = nodes[at + FLAGS]! | (nodes[bt + FLAGS]! & COMPONENT_CONSTRAINED);
    return a;
  }

  /** Makes `x` a component of its own again, ahead of a replay. */
  reset(x: number): void {
    const nodes = this.nodes;
    const at = x * this.stride;
    nodes[at + PARENT] = x;
    nodes[at + SIZE] = 1;
    nodes[at + NEXT] = x;
    nodes[at + REPR] = x;
    const flags = nodes[at + FLAGS]! & ~COMPONENT_CONSTRAINED;
    nodes[at + FLAGS] = flags | ((flags & CONSTRAINED) !== 0 ? COMPONENT_CONSTRAINED : 0);
    for (let k = 0; k < this.countInts; k++) nodes[at + COUNTS + k] = 0;
    const slot = this.types[flags >>> 8]!.slot;
    if (slot >= 0 && (flags & OUTSIDE_GRAPH) === 0) nodes[at + COUNTS + (slot >> 1)] = 1 << (16 * (slot & 1));
    this.times[(at + this.rootTime) >> 1] = this.reprKey(x);
  }

  /** Whether a sighting at (time, message) is earlier than `x`'s first (which can decide the customer id: compareRepr). */
  isEarlierSighting(x: number, time: number, messageId: string): boolean {
    const t = this.firstTimeOf(x);
    if (time !== t) return time < t;
    const m = this.firstMessageOf(x);
    return m >= 0 && this.messages.compareWith(m, messageId) > 0;
  }

  /** Records `x`'s first sighting (message number `message`), keeping its component's representative first by compareRepr. */
  setFirstSeen(x: number, time: number, message: number): void {
    const at = x * this.stride;
    this.times[(at + this.time) >> 1] = time;
    this.nodes[at + MESSAGE] = message;
    const r = this.find(x);
    const rt = r * this.stride;
    const repr = this.nodes[rt + REPR]!;
    if (repr === x || this.compareRepr(x, repr) < 0) {
      this.nodes[rt + REPR] = x;
      this.times[(rt + this.rootTime) >> 1] = this.reprKey(x);
    }
  }

  /**
   * Which member names the customer: the highest-priority type first (the user id of a signed-in person, else
   * an email, …), then the earliest seen. A person's id then survives what usually happens to them: a device
   * split away, an older page view arriving late, an anonymous visit merged in. Only the earliest member was
   * once the rule, and a split left the person's old id with the device, naming whoever used it next.
   */
  compareRepr(x: number, y: number): number {
    if (x === y) return 0;
    const rx = this.types[this.typeIdOf(x)]!.rank;
    const ry = this.types[this.typeIdOf(y)]!.rank;
    return rx !== ry ? rx - ry : this.compareSeen(x, y);
  }

  /**
   * compareRepr's order as one number, cached at roots: rank in the high part, first-seen time (epoch ms,
   * |t| < 2^43 for any date within ±278,000 years) in the low part, exact in a float64 for ranks up to 255.
   * Equal keys fall back to compareRepr.
   */
  private reprKey(x: number): number {
    return this.types[this.typeIdOf(x)]!.rank * REPR_RANK_SCALE + this.firstTimeOf(x);
  }

  /** Priority order, then type name, then value: the order of identifiers within one observation. */
  compareIdentifiers(x: number, y: number): number {
    if (x === y) return 0;
    const tx = this.types[this.typeIdOf(x)]!;
    const ty = this.types[this.typeIdOf(y)]!;
    if (tx !== ty) {
      if (tx.rank !== ty.rank) return tx.rank - ty.rank;
      return tx.name < ty.name ? -1 : 1;
    }
    const nodes = this.nodes;
    const ax = x * this.stride;
    const ay = y * this.stride;
    return this.values.compare(nodes[ax + VALUE_AT]! >>> 0, nodes[ax + VALUE_LENGTH]!, nodes[ay + VALUE_AT]! >>> 0, nodes[ay + VALUE_LENGTH]!);
  }

  /** First seen (time, then message id), then identifier order: which member names the customer. */
  compareSeen(x: number, y: number): number {
    if (x === y) return 0;
    const tx = this.firstTimeOf(x);
    const ty = this.firstTimeOf(y);
    if (tx !== ty) return tx < ty ? -1 : 1;
    const c = this.messages.compare(this.firstMessageOf(x), this.firstMessageOf(y));
    return c !== 0 ? c : this.compareIdentifiers(x, y);
  }

  /** The member after `x` in its component's ring (back to the first after the last): a walk that allocates nothing. */
  nextMember(x: number): number {
    return this.nodes[x * this.stride + NEXT]!;
  }

  /** The members of root `r`'s component, in no particular order. */
  members(r: number): number[] {
    const out = [r];
    const stride = this.stride;
    for (let m = this.nodes[r * stride + NEXT]!; m !== r; m = this.nodes[m * stride + NEXT]!) out.push(m);
    return out;
  }
}
