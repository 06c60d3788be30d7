import { assertIdentifierType, defaultNormalizers, parseIdentifierKey, type IdentifierNormalizer, type IdentifierNormalizers } from './identifier.js';
import { ForbiddenLinks } from './forbidden-links.js';
import { RULE_FORBIDDEN_LINK, RULE_LIMIT } from './merge-log.js';
import type { CompiledMergeRules } from './merge-rules.js';
import { customerIdForUnits } from './customer-id.js';
import { ByteStrings, type StringArena } from './string-arena.js';
import { ensureCapacity, grownCapacity } from './typed-buffers.js';
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
/** Flags, the union-find rank (at roots), the type number and, when they fit, the counts: see the bits below. */
const FLAGS = 1;
/** Next member in the component's circular list. */
const NEXT = 2;
/** The component's earliest member, which names the customer; at roots. */
const REPR = 3;
/** Message of the identifier's first sighting. */
const MESSAGE = 4;
/** Address of the value in `values`. */
const VALUE = 5;
/** Latest occurrence of the identifier in the observation log, -1 if none. */
const HEAD = 6;
/** Counts of the limited types that do not fit in the FLAGS word, if any; at roots. */
const COUNTS = 7;

// Bits of the FLAGS word.
const FLAG_BITS = 0x1f;
/** Union by rank: a rank stays below log2 of the identifier count, so five bits hold it. */
const RANK_SHIFT = 5;
const RANK_MASK = 0x1f << RANK_SHIFT;
const TYPE_SHIFT = 10;
const TYPE_MASK = 0x3ff;
const MAX_TYPES = TYPE_MASK + 1;
/** Where per-type counts go when all of them fit in the word's top bits (the default limits need 12). */
const INLINE_COUNTS_SHIFT = 20;
const INLINE_COUNTS_MASK = ~0 << INLINE_COUNTS_SHIFT;

/** Where one limited type's count sits: in the record's int at `offset`, at `shift`. */
interface CountField {
  readonly offset: number;
  readonly shift: number;
  readonly mask: number;
  readonly limit: number;
}

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
 * record in a single Int32Array (parent, member list, representative, flags, rank, type and per-type counts,
 * first sighting, value), so a union touches two cache lines instead of a dozen parallel arrays: at five
 * million identifiers processed in time order, memory latency is most of the cost. The earliest sighting's
 * time is a float64 inside the record. Records are kept to 40 bytes with the default limits (64 before),
 * because on a small VM the first write to each fresh page costs more than the work done on it: union by rank
 * instead of size, the rank, type and counts sharing one word (counts packed to their limits' widths), values
 * addressed by one number, and replay stamps, which only replays write, in an array of their own.
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
  /** Ints of counts after the fixed fields: 0 when the counts fit in the FLAGS word. */
  private readonly countInts: number;
  /** The packed count of each limited type, in the order limits are checked. */
  private readonly countFields: readonly CountField[];
  /** Replay stamps, apart from the records: only replays write them, so a rebuild never touches their pages. */
  private marks = new Int32Array(0);
  private readonly typeIds = new Map<string, number>();
  private readonly index = new ValueIndex();
  private readonly normalizers: IdentifierNormalizers;

  constructor(
    readonly rules: CompiledMergeRules,
    readonly messages: StringArena,
    normalizers: IdentifierNormalizers = {},
  ) {
    this.normalizers = { ...defaultNormalizers, ...normalizers };
    this.limitTypes = rules.limits.map((l) => l.type);
    // Each count needs only the bits of its limit: checkMerge keeps every count within its limit, so adding
    // two packed words field by field can never carry into a neighbour.
    const widths = rules.limits.map(({ limit }) => 32 - Math.clz32(limit));
    const fields: CountField[] = [];
    if (widths.reduce((a, b) => a + b, 0) <= 32 - INLINE_COUNTS_SHIFT) {
      let shift = INLINE_COUNTS_SHIFT;
      rules.limits.forEach(({ limit }, s) => {
        fields.push({ offset: FLAGS, shift, mask: (1 << widths[s]!) - 1, limit });
        shift += widths[s]!;
      });
      this.countInts = 0;
    } else {
      let word = 0;
      let shift = 0;
      rules.limits.forEach(({ limit }, s) => {
        if (shift + widths[s]! > 32) {
          word++;
          shift = 0;
        }
        fields.push({ offset: COUNTS + word, shift, mask: (1 << widths[s]!) - 1, limit });
        shift += widths[s]!;
      });
      this.countInts = word + 1;
    }
    this.countFields = fields;
    // 40 bytes with the default limits; the float64 time needs an even offset.
    this.time = (COUNTS + this.countInts + 1) & ~1;
    this.stride = this.time + 2;
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

  typeIdFor(name: string): number {
    // A handful of types, mostly the same string literals: a scan beats hashing the name per identifier.
    const types = this.types;
    for (let t = 0; t < types.length && t < 8; t++) if (types[t]!.name === name) return t;
    const known = this.typeIds.get(name);
    if (known !== undefined) return known;
    assertIdentifierType(name);
    const id = this.types.length;
    if (id >= MAX_TYPES) throw new Error(`more than ${MAX_TYPES} identifier types`);
    const slot = this.limitTypes.indexOf(name);
    this.types.push({ name, keyPrefix: `${name}:`, rank: this.rules.rankOf(name), slot, normalize: this.normalizers[name] });
    this.typeIds.set(name, id);
    return id;
  }

  /** The identifier's number, creating it on first sight; values are normalized and checked against the blocked list once. */
  intern(typeId: number, raw: string): number {
    const type = this.types[typeId]!;
    const value = type.normalize === undefined ? raw : type.normalize(raw);
    // An unusable value is kept under its raw form: a normalizer is idempotent, so no valid value can equal it.
    const stored = value ?? raw;
    const h = ValueIndex.hash(typeId, stored);
    const known = this.index.find(typeId, stored, h, this);
    if (known >= 0) return known;
    const flag = value === undefined ? (this.rules.isBlocked(raw) ? BLOCKED : INVALID) : this.rules.isBlocked(value) ? BLOCKED : 0;
    const x = this.create(typeId, stored, flag);
    this.index.insert(x, h);
    return x;
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
    nodes[at + FLAGS] = flag | (typeId << TYPE_SHIFT);
    nodes[at + NEXT] = x;
    nodes[at + REPR] = x;
    nodes[at + MESSAGE] = -1;
    nodes[at + VALUE] = valueAt;
    nodes[at + HEAD] = -1;
    this.setOwnCount(at, type.slot, flag);
    this.times[(at + this.time) >> 1] = Infinity;
    return x;
  }

  /** A lone identifier's counts: one of its own type if that type is limited and the value is in the graph. */
  private setOwnCount(at: number, slot: number, flags: number): void {
    const nodes = this.nodes;
    nodes[at + FLAGS] = nodes[at + FLAGS]! & ~INLINE_COUNTS_MASK;
    for (let k = 0; k < this.countInts; k++) nodes[at + COUNTS + k] = 0;
    if (slot >= 0 && (flags & OUTSIDE_GRAPH) === 0) {
      const field = this.countFields[slot]!;
      nodes[at + field.offset] = nodes[at + field.offset]! | (1 << field.shift);
    }
  }

  flagsOf(x: number): number {
    return this.nodes[x * this.stride + FLAGS]! & FLAG_BITS;
  }

  typeIdOf(x: number): number {
    return (this.nodes[x * this.stride + FLAGS]! >>> TYPE_SHIFT) & TYPE_MASK;
  }

  private setFlags(x: number, flags: number): void {
    const at = x * this.stride + FLAGS;
    this.nodes[at] = (this.nodes[at]! & ~FLAG_BITS) | flags;
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
    // In the record, whose cache line interning has just read: a separate array cost a miss per occurrence.
    this.nodes[x * this.stride + HEAD] = occurrence;
  }

  /** Stamps `x` with `epoch`; false if it already carried it. */
  mark(x: number, epoch: number): boolean {
    if (x >= this.marks.length) this.marks = ensureCapacity(this.marks, this.count);
    if (this.marks[x] === epoch) return false;
    this.marks[x] = epoch;
    return true;
  }

  isMarked(x: number, epoch: number): boolean {
    return x < this.marks.length && this.marks[x] === epoch;
  }

  key(x: number): string {
    return `${this.typeName(x)}:${this.value(x)}`;
  }

  /** customerIdFor(key(x)), hashed from the stored bytes without decoding the key. */
  customerIdOf(x: number): string {
    const at = x * this.stride;
    const address = this.nodes[at + VALUE]! >>> 0;
    const prefix = this.types[(this.nodes[at + FLAGS]! >>> TYPE_SHIFT) & TYPE_MASK]!.keyPrefix;
    const start = this.values.narrowStart(address);
    if (start >= 0) return customerIdForUnits(prefix, this.values.narrowBytes, start, start + this.values.length(address));
    const units = this.values.units(address);
    return customerIdForUnits(prefix, units, 0, units.length);
  }

  value(x: number): string {
    return this.values.get(this.nodes[x * this.stride + VALUE]! >>> 0);
  }

  /** Whether identifier `x` has type `typeId` and value `value`. */
  matches(x: number, typeId: number, value: string): boolean {
    const at = x * this.stride;
    const nodes = this.nodes;
    return ((nodes[at + FLAGS]! >>> TYPE_SHIFT) & TYPE_MASK) === typeId && this.values.equals(nodes[at + VALUE]! >>> 0, value);
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
    const fields = this.countFields;
    for (let s = 0; s < fields.length; s++) {
      const { offset, shift, mask, limit } = fields[s]!;
      const ca = (nodes[at + offset]! >>> shift) & mask;
      const cb = (nodes[bt + offset]! >>> shift) & mask;
      if (ca + cb > limit) return RULE_LIMIT + s;
    }
    return 0;
  }

  /** Merges two roots that checkMerge allowed, the larger keeping its root; returns the new root. */
  union(a: number, b: number): number {
    const nodes = this.nodes;
    const stride = this.stride;
    let at = a * stride;
    let bt = b * stride;
    const rankA = nodes[at + FLAGS]! & RANK_MASK;
    const rankB = nodes[bt + FLAGS]! & RANK_MASK;
    if (rankA < rankB) {
      [a, b, at, bt] = [b, a, bt, at];
    } else if (rankA === rankB) {
      // Ranks stay below log2 of the identifier count, far inside their byte.
      nodes[at + FLAGS] = nodes[at + FLAGS]! + (1 << RANK_SHIFT);
    }
    nodes[bt + PARENT] = a;
    // Splicing two circular lists is one swap of their next pointers.
    const next = nodes[at + NEXT]!;
    nodes[at + NEXT] = nodes[bt + NEXT]!;
    nodes[bt + NEXT] = next;
    // checkMerge guaranteed every count stays within its limit, so the packed fields cannot carry.
    for (let k = 0; k < this.countInts; k++) nodes[at + COUNTS + k] = nodes[at + COUNTS + k]! + nodes[bt + COUNTS + k]!;
    // The FLAGS word adds the inline counts (the typed array wraps the sum to 32 bits) and the constraint bit.
    nodes[at + FLAGS] = (nodes[at + FLAGS]! + (nodes[bt + FLAGS]! & INLINE_COUNTS_MASK)) | (nodes[bt + FLAGS]! & COMPONENT_CONSTRAINED);
    const reprA = nodes[at + REPR]!;
    const reprB = nodes[bt + REPR]!;
    if (this.compareSeen(reprB, reprA) < 0) nodes[at + REPR] = reprB;
    return a;
  }

  /** Makes `x` a component of its own again, ahead of a replay. */
  reset(x: number): void {
    const nodes = this.nodes;
    const at = x * this.stride;
    nodes[at + PARENT] = x;
    nodes[at + NEXT] = x;
    nodes[at + REPR] = x;
    const flags = nodes[at + FLAGS]! & ~(COMPONENT_CONSTRAINED | RANK_MASK);
    nodes[at + FLAGS] = flags | ((flags & CONSTRAINED) !== 0 ? COMPONENT_CONSTRAINED : 0);
    this.setOwnCount(at, this.types[(flags >>> TYPE_SHIFT) & TYPE_MASK]!.slot, flags);
  }

  /** Whether a sighting at (time, message) is earlier than `x`'s first; the earliest decides the customer id. */
  isEarlierSighting(x: number, time: number, messageId: string): boolean {
    const t = this.firstTimeOf(x);
    if (time !== t) return time < t;
    const m = this.firstMessageOf(x);
    return m >= 0 && this.messages.compareWith(m, messageId) > 0;
  }

  /** Records `x`'s first sighting (message number `message`), keeping its component's representative the earliest member. */
  setFirstSeen(x: number, time: number, message: number): void {
    const at = x * this.stride;
    this.times[(at + this.time) >> 1] = time;
    this.nodes[at + MESSAGE] = message;
    const r = this.find(x);
    const rt = r * this.stride;
    const repr = this.nodes[rt + REPR]!;
    if (repr !== x && this.compareSeen(x, repr) < 0) this.nodes[rt + REPR] = x;
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
    return this.values.compare(nodes[x * this.stride + VALUE]! >>> 0, nodes[y * this.stride + VALUE]! >>> 0);
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

  /** The members of root `r`'s component, in no particular order. */
  members(r: number): number[] {
    const out = [r];
    const stride = this.stride;
    for (let m = this.nodes[r * stride + NEXT]!; m !== r; m = this.nodes[m * stride + NEXT]!) out.push(m);
    return out;
  }
}
