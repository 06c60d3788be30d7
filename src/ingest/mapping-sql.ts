import { TesseraError } from '../contract/index.js';
import { ident, join, raw, sql, type Sql } from '../store/index.js';
import { guessDelimiter } from './import-source.js';
import { asNumber, cellText, jsonNumber, jsonString, parseTime } from './import-sql.js';
import type { Condition, FieldSpec, TimeSpec } from './mapping.js';

/**
 * Compiles the parts of a mapping (fields, row tests, times) to SQL over the loaded rows of a file.
 * Every value a mapping holds becomes a bound parameter; column names are quoted identifiers.
 * A column the file lacks is an error naming the mapping key, unless the field is optional.
 */
export class ColumnScope {
  /** Columns the mapping reads, in first-use order: the only ones loaded from the file. */
  readonly used = new Set<string>();

  constructor(
    private readonly columns: readonly string[],
    private readonly origin: string,
    /** Table alias the columns are read through. */
    private readonly alias = 'r',
    /** The row's line number, for `{row}` in templates. */
    readonly line: Sql = raw('_line'),
    /** Decimal separator of the file's numbers (decimalSeparator in import-source.ts). */
    private readonly decimal: '.' | ',' = '.',
  ) {}

  /** A scope over the same columns with another alias and line expression. */
  with(alias: string, line: Sql): ColumnScope {
    const scope = new ColumnScope(this.columns, this.origin, alias, line, this.decimal);
    for (const c of this.used) scope.used.add(c);
    return scope;
  }

  has(name: string): boolean {
    return this.columns.includes(name);
  }

  /** The column's SQL, or undefined when the file lacks an optional column. */
  column(name: string, key: string, optional = false): Sql | undefined {
    if (!this.columns.includes(name)) {
      if (optional) return undefined;
      const known = this.columns.slice(0, 40).join(', ');
      throw new TesseraError('invalid_argument', `${this.origin}: ${key}: the file has no column ${JSON.stringify(name)} (columns: ${known})${delimiterHint(this.columns)}`);
    }
    this.used.add(name);
    return sql`${ident(this.alias)}.${ident(name)}`;
  }

  /** A field as trimmed text, NULL when empty or absent. */
  text(spec: FieldSpec | undefined, key: string): Sql {
    if (spec === undefined) return raw('CAST(NULL AS VARCHAR)');
    if ('value' in spec) return sql`${String(spec.value)}`;
    if ('template' in spec) return this.template(spec.template, key);
    if ('first_of' in spec) {
      const cells = spec.first_of.flatMap((c, i) => {
        const col = this.column(c, `${key}.first_of.${i}`, true);
        return col ? [cellText(col)] : [];
      });
      return cells.length > 0 ? sql`coalesce(${join(cells)})` : raw('CAST(NULL AS VARCHAR)');
    }
    const col = this.column(spec.column, key, spec.optional);
    return col ? cellText(col) : raw('CAST(NULL AS VARCHAR)');
  }

  /** A field as a number (DOUBLE), NULL when empty or not a number. */
  number(spec: FieldSpec | undefined, key: string): Sql {
    if (spec !== undefined && 'value' in spec && typeof spec.value === 'number') return sql`CAST(${spec.value} AS DOUBLE)`;
    return asNumber(this.text(spec, key), this.decimal);
  }

  /** A field as JSON text for a message property: text unless the mapping typed it (or its constant is a number). */
  json(spec: FieldSpec, key: string): Sql {
    if ('value' in spec) {
      if (typeof spec.value === 'number') return jsonNumber(sql`${spec.value}`);
      if (typeof spec.value === 'boolean') return raw(spec.value ? `'true'` : `'false'`);
      return jsonString(sql`${spec.value}`);
    }
    const type = 'column' in spec ? spec.type : undefined;
    if (type === 'number') return jsonNumber(this.number(spec, key));
    if (type === 'boolean') {
      const t = sql`lower(${this.text(spec, key)})`;
      return sql`CASE WHEN ${t} IN ('true', 'yes', 'y', '1') THEN 'true' WHEN ${t} IN ('false', 'no', 'n', '0') THEN 'false' END`;
    }
    return jsonString(this.text(spec, key));
  }

  /**
   * True when every cell the mapping reads is empty: a spreadsheet saves the rows whose contents were
   * deleted as `,,,,`, which are no more a record than a blank line is. Call it once the mapping is compiled.
   */
  emptyRow(): Sql {
    const cells = [...this.used].map((c) => sql`${cellText(sql`${ident(this.alias)}.${ident(c)}`)} IS NULL`);
    return cells.length > 0 ? sql`(${join(cells, ' AND ')})` : raw('false');
  }

  /** Name of the column a field reads, for error messages (`field` of a rejection). */
  fieldName(spec: FieldSpec | TimeSpec | undefined, fallback: string): string {
    return spec && 'column' in spec ? spec.column : fallback;
  }

  /** `{Column}` parts read columns, `{row}` is the line number, the rest is literal text. */
  private template(template: string, key: string): Sql {
    const parts: Sql[] = [];
    const re = /\{([^{}]+)\}/g;
    let last = 0;
    for (let m = re.exec(template); m; m = re.exec(template)) {
      if (m.index > last) parts.push(sql`${template.slice(last, m.index)}`);
      const name = m[1] as string;
      if (name === 'row') parts.push(sql`CAST(${this.line} AS VARCHAR)`);
      else parts.push(cellText(this.column(name, key) as Sql));
      last = m.index + m[0].length;
    }
    if (last < template.length) parts.push(sql`${template.slice(last)}`);
    // `||` propagates NULL: a template with an empty part is missing, not half a key.
    return sql`(${join(parts, ' || ')})`;
  }

  /** A row test; never NULL (an empty cell fails every test but is_empty). */
  condition(cond: Condition, key: string): Sql {
    if ('all' in cond) return sql`(${join(cond.all.map((c, i) => this.condition(c, `${key}.all.${i}`)), ' AND ')})`;
    if ('any' in cond) return sql`(${join(cond.any.map((c, i) => this.condition(c, `${key}.any.${i}`)), ' OR ')})`;
    if ('not' in cond) return sql`(NOT ${this.condition(cond.not, `${key}.not`)})`;
    const col = this.column(cond.column, `${key}.column`);
    const cell = col ? cellText(col) : raw('CAST(NULL AS VARCHAR)');
    const num = asNumber(cell, this.decimal);
    // A number keeps its own comparison; only the text side and the text values are folded.
    const text = cond.ignore_case === true ? sql`lower(${cell})` : cell;
    const value = (v: string): string => (cond.ignore_case === true ? v.toLowerCase() : v);
    const test = (): Sql => {
      if (cond.is_empty !== undefined) return cond.is_empty ? sql`${text} IS NULL` : sql`${text} IS NOT NULL`;
      if (cond.is_not_empty !== undefined) return cond.is_not_empty ? sql`${text} IS NOT NULL` : sql`${text} IS NULL`;
      if (cond.equals !== undefined) return equals(text, num, cond.equals, value);
      if (cond.not_equals !== undefined) return sql`NOT ${equals(text, num, cond.not_equals, value)}`;
      if (cond.in !== undefined) return sql`(${join(cond.in.map((v) => equals(text, num, v, value)), ' OR ')})`;
      if (cond.starts_with !== undefined) return sql`starts_with(${text}, ${value(cond.starts_with)})`;
      if (cond.ends_with !== undefined) return sql`suffix(${text}, ${value(cond.ends_with)})`;
      if (cond.contains !== undefined) return sql`contains(${text}, ${value(cond.contains)})`;
      if (cond.matches !== undefined) return cond.ignore_case === true ? sql`regexp_matches(${cell}, ${cond.matches}, 'i')` : sql`regexp_matches(${cell}, ${cond.matches})`;
      if (cond.less_than !== undefined) return sql`${num} < ${cond.less_than}`;
      if (cond.at_most !== undefined) return sql`${num} <= ${cond.at_most}`;
      if (cond.greater_than !== undefined) return sql`${num} > ${cond.greater_than}`;
      if (cond.at_least !== undefined) return sql`${num} >= ${cond.at_least}`;
      throw new Error('unreachable: the schema allows one test per column');
    };
    const isEmptyTest = cond.is_empty !== undefined || cond.is_not_empty !== undefined;
    return isEmptyTest ? sql`(${test()})` : sql`coalesce(${test()}, false)`;
  }

  /** A time field: its text (to tell "empty" from "not a date"), its instant, and the reason of a cell that is not one. */
  time(spec: TimeSpec | undefined, key: string, zone: string): { text: Sql; instant: Sql; column: string; invalid: (text: Sql) => Sql } {
    if (spec === undefined) return { text: raw('CAST(NULL AS VARCHAR)'), instant: raw('CAST(NULL AS TIMESTAMPTZ)'), column: key, invalid: (t) => invalidDate(key, t) };
    const text = this.text({ column: spec.column, optional: spec.optional }, key);
    return { text, instant: parseTime(text, zone, spec.format), column: spec.column, invalid: (t) => invalidDate(spec.column, t, spec.format) };
  }
}

/**
 * Why a time cell was refused. With a mapping's format the cell may well be a date, in another
 * layout (`2024-01-05` against `%d/%m/%Y`): saying "not a date" would send the user to the data, not the mapping.
 */
function invalidDate(column: string, text: Sql, format?: string): Sql {
  return format === undefined
    ? sql`${column} || ' is not a date: ' || ${text}`
    : sql`${column} || ${` does not match the mapping's format ${format}: `} || ${text}`;
}

/** A header read as one column that splits on `;` or a tab was read with the wrong delimiter: say which to set. */
function delimiterHint(columns: readonly string[]): string {
  const only = columns.length === 1 ? columns[0] : undefined;
  const guess = only === undefined ? ',' : guessDelimiter(only);
  if (guess === ',') return '';
  return `; the header looks delimited by ${guess === ';' ? "';'" : 'tabs'}: set file.delimiter: ${guess === ';' ? "';'" : '"\\t"'} in the mapping`;
}

/** Numbers compare as numbers (so `0` matches `0.00`), everything else as text. */
function equals(text: Sql, num: Sql, value: string | number | boolean, fold: (v: string) => string): Sql {
  if (typeof value === 'number') return sql`${num} = ${value}`;
  return sql`${text} = ${fold(String(value))}`;
}
