import { raw, sql, type Dialect, type Sql } from '../../store/index.js';

/**
 * The message's texts at the paths a fact reads, from one parse of each message: every jsonText
 * call parses the whole document, and a dozen of them per event made the insert into event_facts the bulk of a
 * refresh (35 µs an event on the demo shop's page views; 7 µs with one parse).
 */
export class MessagePaths {
  readonly paths: string[][] = [];

  constructor(private readonly d: Dialect) {}

  /** Raw text at `path` of the message, from the list column `e.j` (the `paths` made into `jsonTexts`). */
  raw(path: readonly string[]): Sql {
    const key = path.join('\u0000');
    let k = this.paths.findIndex((p) => p.join('\u0000') === key);
    if (k < 0) k = this.paths.push([...path]) - 1;
    return this.d.listItem(raw('e.j'), k);
  }

  /** Text at `path`, NULL when missing or blank. */
  text(path: readonly string[]): Sql {
    return sql`nullif(trim(${this.raw(path)}), '')`;
  }
}
