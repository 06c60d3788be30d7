import type { ColumnType, Dialect, Grain, TableDef } from '../dialect.js';
import { Sql, join, raw, sql, type ParamType } from '../sql.js';

const columnTypes: Record<ColumnType, string> = {
  text: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  json: 'JSON',
  decimal: 'DECIMAL(18,4)',
  key: 'UHUGEINT',
};

const castFor: Partial<Record<ParamType, string>> = {
  timestamp: '::TIMESTAMP',
  date: '::DATE',
  json: '::JSON',
  int: '::BIGINT',
  float: '::DOUBLE',
  string: '::VARCHAR',
  bool: '::BOOLEAN',
  'string[]': '::VARCHAR[]',
  'int[]': '::BIGINT[]',
};

/** A struct of the named values: its keys are ours, checked, never user input. */
function struct(fields: Readonly<Record<string, Sql>>): Sql {
  const entries = Object.entries(fields).map(([key, value]) => {
    if (!/^[a-z_]+$/.test(key)) throw new Error(`a JSON key of the store's own: ${key}`);
    return sql`${raw(`'${key}'`)}: ${value}`;
  });
  return sql`{${join(entries)}}`;
}

/** DuckDB wants a JSON path as a constant; keys are ours (never user input), quoted into the path. */
function jsonPath(path: readonly string[]): Sql {
  const text = '$' + path.map((k) => `."${k.replaceAll('"', '\\"')}"`).join('');
  return raw(`'${text.replaceAll("'", "''")}'`);
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB's spelling of the dialect. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  placeholder: (index, type) => `$${index}${castFor[type] ?? ''}`,
  quoteIdent,
  columnType: (type) => columnTypes[type],
  createTable(def: TableDef): Sql {
    const cols = def.columns.map((c) => raw(`${quoteIdent(c.name)} ${columnTypes[c.type]}${c.nullable === false ? ' NOT NULL' : ''}`));
    if (def.primaryKey?.length) cols.push(raw(`PRIMARY KEY (${def.primaryKey.map(quoteIdent).join(', ')})`));
    return sql`CREATE TABLE IF NOT EXISTS ${raw(quoteIdent(def.name))} (${join(cols)})`;
  },
  insertIgnore(table, columns) {
    return raw(`INSERT OR IGNORE INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`);
  },
  jsonText(column, path) {
    return sql`json_extract_string(${column}, ${jsonPath(path)})`;
  },
  jsonTexts(column, paths) {
    return sql`json_extract_string(${column}, [${join(paths.map(jsonPath))}])`;
  },
  listItem(list, index) {
    return sql`(${list})[${raw(String(Math.trunc(index) + 1))}]`;
  },
  jsonValue(column, path) {
    return sql`json_extract(${column}, ${jsonPath(path)})`;
  },
  parseTimestamp(text) {
    return sql`CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  },
  messageKey(text) {
    return sql`md5_number(${text})`;
  },
  keyWords(key) {
    return [sql`CAST(${key} >> 96 AS UINTEGER)`, sql`CAST((${key} >> 64) & 4294967295 AS UINTEGER)`];
  },
  epochMs(column) {
    return sql`epoch_ms(${column})`;
  },
  quantiles(column, fractions) {
    // Fractions are the caller's constants, checked here: they are spelled into the SQL.
    if (!fractions.every((f) => Number.isFinite(f) && f >= 0 && f <= 1)) throw new Error(`quantiles: fractions must be within 0–1: ${fractions.join(', ')}`);
    return sql`quantile_disc(${column}, ${raw(`[${fractions.join(', ')}]`)})`;
  },
  packText(columns) {
    const packed = join(columns.map((c) => sql`coalesce(${c}, '') || chr(0)`), ' || ');
    return sql`CASE WHEN NOT contains(concat(${join(columns)}), chr(0)) THEN ${packed} END`;
  },
  jsonArray(columns) {
    return sql`CAST(json_array(${join(columns)}) AS VARCHAR)`;
  },
  jsonObject(fields) {
    return sql`CAST(to_json(${struct(fields)}) AS VARCHAR)`;
  },
  localDate(column, tz) {
    return tz === 'UTC' ? sql`CAST(${column} AS DATE)` : sql`CAST(timezone(${tz}, CAST(${column} AS TIMESTAMPTZ)) AS DATE)`;
  },
  truncate(grain: Grain, column, tz) {
    const local = tz === 'UTC' ? column : sql`timezone(${tz}, ${column}::TIMESTAMPTZ)`;
    return sql`date_trunc(${raw(`'${grain}'`)}, ${local})`;
  },
};
