/**
 * Dialect-neutral SQL fragments. Values interpolated into `sql` become bound parameters and
 * identifiers go through `ident`, so nothing a user typed is ever pasted into a query; a dialect
 * renders the fragment into its own placeholder syntax.
 */
export type ParamType = 'string' | 'int' | 'float' | 'bool' | 'timestamp' | 'date' | 'json' | 'string[]' | 'int[]';
export type SqlValue = string | number | bigint | boolean | null | Date | readonly string[] | readonly number[];

export class Param {
  constructor(
    readonly value: SqlValue,
    readonly type: ParamType,
  ) {}
}

export class Ident {
  constructor(readonly parts: readonly string[]) {}
}

export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly (Param | Ident | Sql)[],
  ) {}
}

function inferType(value: SqlValue): ParamType {
  if (Array.isArray(value)) return typeof value[0] === 'number' ? 'int[]' : 'string[]';
  if (value instanceof Date) return 'timestamp';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}

type Interpolation = SqlValue | Param | Ident | Sql;

function toPart(value: Interpolation): Param | Ident | Sql {
  if (value instanceof Param || value instanceof Ident || value instanceof Sql) return value;
  return new Param(value, inferType(value));
}

/** Tagged template: `sql\`select * from ${ident('events')} where seq > ${seq}\``. */
export function sql(strings: TemplateStringsArray, ...values: Interpolation[]): Sql {
  return new Sql([...strings], values.map(toPart));
}

/** A bound parameter with an explicit type (needed where the type cannot be inferred, e.g. null). */
export function param(value: SqlValue, type: ParamType): Param {
  return new Param(value, type);
}

/** A quoted identifier, optionally qualified (`ident('main', 'events')`). */
export function ident(...parts: string[]): Ident {
  return new Ident(parts);
}

/** Trusted SQL text written by us (keywords, operators); never user input. */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

/** Joins fragments with a separator. */
export function join(parts: readonly Sql[], separator = ', '): Sql {
  if (parts.length === 0) return raw('');
  const strings = [''];
  for (let i = 1; i < parts.length; i++) strings.push(separator);
  strings.push('');
  return new Sql(strings, parts);
}

export interface RenderedSql {
  text: string;
  params: { value: SqlValue; type: ParamType }[];
}

export interface Renderer {
  placeholder(index: number, type: ParamType): string;
  quoteIdent(name: string): string;
}

/** Renders a fragment tree into text and an ordered parameter list. */
export function renderSql(fragment: Sql, renderer: Renderer): RenderedSql {
  const params: RenderedSql['params'] = [];
  const walk = (node: Sql): string => {
    let text = node.strings[0] ?? '';
    node.values.forEach((value, i) => {
      if (value instanceof Sql) text += walk(value);
      else if (value instanceof Ident) text += value.parts.map((p) => renderer.quoteIdent(p)).join('.');
      else {
        params.push({ value: value.value, type: value.type });
        text += renderer.placeholder(params.length, value.type);
      }
      text += node.strings[i + 1] ?? '';
    });
    return text;
  };
  return { text: walk(fragment), params };
}
