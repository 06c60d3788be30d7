import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { TesseraError } from '../contract/index.js';

/**
 * Mapping files (YAML) say how a CSV or Parquet file becomes Segment messages: which column is
 * which field, the file's layout, its time zone and date format, which rows to leave out and
 * which rows are refunds. They are data: every part compiles to parameterized SQL
 * (mapping-sql.ts), nothing in them is evaluated as code.
 */

const name = z.string().trim().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A value taken from a column, a constant, or a template over columns (`'{CustomerID}-{row}'`). */
export const FieldSpec = z.union([
  name.transform((column) => ({ column, optional: false }) as { column: string; optional: boolean; type?: 'text' | 'number' | 'boolean' }),
  /** `type` says how a property is written into the message (default text: a zip code stays "02134"). */
  z.object({ column: name, optional: z.boolean().default(false), type: z.enum(['text', 'number', 'boolean']).optional() }).strict(),
  z.object({ value: scalar }).strict(),
  z.object({ template: name }).strict(),
  /** The first non-empty cell of these columns (columns the file lacks are passed over): `Phone`, else `Billing Phone`. */
  z.object({ first_of: z.array(name).min(1) }).strict(),
]);
export type FieldSpec = z.infer<typeof FieldSpec>;

/** strptime directives DuckDB knows; anything else in a format is a typo we report up front. */
const formatPattern = /^(?:[^%'"\\]|%-?[aAbBcdeHIjmMpSfgnyYzZxXuwWUV%])+$/;

export const TimeSpec = z.union([
  name.transform((column) => ({ column, optional: false }) as { column: string; optional: boolean; format?: string }),
  z
    .object({
      column: name,
      optional: z.boolean().default(false),
      format: z.string().regex(formatPattern, "a strptime format such as '%Y-%m-%d %H:%M:%S' (no quotes or backslashes)").optional(),
    })
    .strict(),
]);
export type TimeSpec = z.infer<typeof TimeSpec>;

const columnTest = z
  .object({
    column: name,
    is_empty: z.boolean().optional(),
    is_not_empty: z.boolean().optional(),
    equals: scalar.optional(),
    not_equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    starts_with: z.string().min(1).optional(),
    ends_with: z.string().min(1).optional(),
    contains: z.string().min(1).optional(),
    matches: z.string().min(1).optional(),
    less_than: z.number().optional(),
    at_most: z.number().optional(),
    greater_than: z.number().optional(),
    at_least: z.number().optional(),
    /** Text tests (equals, not_equals, in, starts_with, ends_with, contains) read `Refunded` as `refunded`. */
    ignore_case: z.boolean().optional(),
  })
  .strict()
  .refine((t) => Object.keys(t).filter((k) => k !== 'column' && k !== 'ignore_case').length === 1, {
    message: 'a column test has exactly one of is_empty, is_not_empty, equals, not_equals, in, starts_with, ends_with, contains, matches, less_than, at_most, greater_than, at_least',
  });
export type ColumnTest = z.infer<typeof columnTest>;

export type Condition = ColumnTest | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** A row test: a column test, or `all`/`any`/`not` of tests. An empty cell fails every test but `is_empty`. */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Condition).min(1) }).strict(),
    z.object({ any: z.array(Condition).min(1) }).strict(),
    z.object({ not: Condition }).strict(),
    columnTest,
  ]),
);

const reason = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a snake_case reason such as guest_purchase')
  .max(64);

export const MappingSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Source name: on every event, and the prefix of message ids and anonymous ids. */
    source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . -').max(64).optional(),
    description: z.string().optional(),
    file: z
      .object({
        format: z.enum(['csv', 'parquet']).optional(),
        delimiter: z.enum([',', ';', '\t', '|', 'whitespace']).default(','),
        header: z.boolean().default(true),
        /** Names of the columns in order: for a file without a header, or to replace the header's names. */
        columns: z.array(name).min(1).optional(),
        quote: z.enum(['"', "'", 'none']).default('"'),
        /**
         * Decimal separator of the file's numbers. Default: `,` in a `;`-delimited file (Excel writes `;`
         * exactly where the decimal separator is a comma: `12,50`, `1.234,50`), else `.`.
         */
        decimal: z.enum(['.', ',']).optional(),
        /** Text encoding (default UTF-8; Excel's plain "CSV" on Windows writes Windows-1252). `--encoding` wins. */
        encoding: z.enum(['utf-8', 'windows-1252']).optional(),
      })
      .strict()
      .default({ delimiter: ',', header: true, quote: '"' }),
    /** IANA zone of times without an offset (`--timezone` wins). */
    time_zone: z.string().min(1).optional(),
    kind: z.enum(['orders', 'events', 'identify']).default('orders'),
    identity: z
      .object({
        customer_id: z.union([FieldSpec, z.object({ column: name, optional: z.boolean().default(false), id_type: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id type such as shop') }).strict()]).optional(),
        /** Id type of customer_id, in context.externalIds (`shop`, `shopify`, …). */
        id_type: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id type such as shop').optional(),
        email: FieldSpec.optional(),
        phone: FieldSpec.optional(),
        user_id: FieldSpec.optional(),
        /** Rows with no identifier at all: rejected (default) or kept under an anonymous id per order/row. */
        guests: z.enum(['reject', 'anonymous']).default('reject'),
      })
      .strict()
      .default({ guests: 'reject' }),
    time: TimeSpec.optional(),
    order: z
      .object({
        /** Column that holds the same value on every line of one order (default: order_id's column). */
        group_by: name.optional(),
        order_id: FieldSpec,
        currency: FieldSpec.optional(),
        /** The order's total; when absent, the sum of price × quantity of its lines. */
        total: FieldSpec.optional(),
        /** The order was refunded after it was placed: Order Completed, then Order Refunded. */
        refunded_when: Condition.optional(),
        refunded_at: TimeSpec.optional(),
        /** Amount refunded (default: the order's total). */
        refund_total: FieldSpec.optional(),
        /** Part of the order was refunded: Order Completed, then Order Refunded with refund_total. */
        partially_refunded_when: Condition.optional(),
        cancelled_when: Condition.optional(),
        cancelled_at: TimeSpec.optional(),
        /** Rows that are themselves a refund of an earlier order (a credit note): Order Refunded only. */
        refund_rows_when: Condition.optional(),
        properties: z.record(name, FieldSpec).default({}),
        line_item: z
          .object({
            product_id: FieldSpec.optional(),
            sku: FieldSpec.optional(),
            name: FieldSpec.optional(),
            category: FieldSpec.optional(),
            quantity: FieldSpec.optional(),
            price: FieldSpec.optional(),
          })
          .strict()
          .default({}),
      })
      .strict()
      .optional(),
    event: z
      .object({
        name: FieldSpec,
        /** Message id (default: the source and a hash of the row, so a re-import adds nothing). */
        message_id: FieldSpec.optional(),
        properties: z.record(name, FieldSpec).default({}),
      })
      .strict()
      .optional(),
    traits: z.record(name, FieldSpec).default({}),
    /** Rows that must not be imported, checked in order; a row counts under the first reason that matches. */
    /** Rows that are wrong: quarantined with the reason, checked in order after the layout. */
    reject: z.array(z.object({ reason: z.string().min(1), field: name.optional(), where: Condition }).strict()).default([]),
    /** Rows left out on purpose, checked in order; each counts under its reason in the import summary. */
    skip: z.array(z.object({ reason, description: z.string().optional(), where: Condition }).strict()).default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'orders' && !m.order) ctx.addIssue({ code: 'custom', path: ['order'], message: 'kind orders needs an order section (at least order_id)' });
    if (m.kind === 'events' && !m.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'kind events needs an event section (at least name)' });
    if (m.kind !== 'identify' && !m.time) ctx.addIssue({ code: 'custom', path: ['time'], message: `kind ${m.kind} needs the time column` });
    if (m.time_zone && !isTimeZone(m.time_zone)) ctx.addIssue({ code: 'custom', path: ['time_zone'], message: `unknown IANA time zone ${JSON.stringify(m.time_zone)}` });
    if (m.file.delimiter === 'whitespace' && !m.file.columns) ctx.addIssue({ code: 'custom', path: ['file', 'columns'], message: 'a whitespace-separated file needs its column names' });
    const id = m.identity;
    if (!id.customer_id && !id.email && !id.phone && !id.user_id && id.guests === 'reject') {
      ctx.addIssue({ code: 'custom', path: ['identity'], message: 'name at least one of customer_id, email, phone, user_id (or guests: anonymous)' });
    }
  });
export type Mapping = z.infer<typeof MappingSchema>;
export type MappingInput = z.input<typeof MappingSchema>;

/** True for a zone name the runtime's ICU knows (DuckDB's ICU knows the same IANA names). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The customer id column's id type, wherever the mapping put it. */
export function customerIdType(m: Mapping): string {
  const c = m.identity.customer_id;
  return (c && 'id_type' in c ? c.id_type : undefined) ?? m.identity.id_type ?? m.source ?? 'customer';
}

/** The line of a mapping file a key path is on (an unknown key: the key's own line), when the mapping came from a file. */
type LocateKey = (path: readonly PropertyKey[], key?: string) => number | undefined;

function describeIssue(origin: string, issue: z.core.$ZodIssue, locate?: LocateKey): { line: number; text: string } {
  const unknown = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? issue.keys[0] : undefined;
  const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  const line = locate?.(issue.path, unknown);
  return { line: line ?? Number.MAX_SAFE_INTEGER, text: `${origin}${line === undefined ? '' : `:${line}`}: ${key}: ${issue.message}` };
}

/** Finds key paths in a parsed YAML document: a mistake in a long mapping is named by its line, as an editor shows it. */
function keyLocator(doc: Document, lines: LineCounter): LocateKey {
  return (path, key) => {
    const node: unknown = doc.getIn(path as unknown[], true);
    const pair = key !== undefined && isMap(node) ? node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key) : undefined;
    const at = (pair?.key as { range?: [number, number, number] } | undefined)?.range ?? (node as { range?: [number, number, number] } | undefined)?.range;
    return at ? lines.linePos(at[0]).line : undefined;
  };
}

/** Validates a mapping object; errors name the origin (file), the line when known, and the key. */
export function parseMapping(input: unknown, origin: string, locate?: LocateKey): Mapping {
  const result = MappingSchema.safeParse(input);
  if (!result.success) {
    // In file order, as the user reads the file to correct it.
    const described = result.error.issues.map((i) => describeIssue(origin, i, locate)).sort((a, b) => a.line - b.line);
    const lines = described.slice(0, 5).map((d) => d.text);
    throw new TesseraError('invalid_argument', lines.join('; '), { issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) });
  }
  return { ...result.data, source: result.data.source ?? basename(origin, extname(origin)) };
}

/** Reads and validates a mapping file (YAML). */
export function loadMapping(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TesseraError('invalid_argument', `mapping file ${path} cannot be read: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const [error] = doc.errors;
  if (error) throw new TesseraError('invalid_argument', `${path}: not valid YAML: ${error.message.split('\n')[0]}`);
  return parseMapping(doc.toJS(), path, keyLocator(doc, lines));
}
