import type { z } from 'zod';
import { RFM_SEGMENT_NAMES } from './rfm-score.js';
import { CONDITION_KINDS, CountOp, FACTS, ITEM_FIELDS, PREDICTIONS, ValueOp, isRecord, opsFor, subjectOf, type Subject } from './rule-vocabulary.js';

// Every message that explains a wrong rule is written here: the schemas only say where a rule is
// wrong and hand the condition to these functions, so the wording stays one voice.

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);
const names = (list: readonly string[]): string => list.join(', ');
const either = (list: readonly string[]): string => (list.length < 2 ? names(list) : `${names(list.slice(0, -1))} or ${list.at(-1) ?? ''}`);

/** Why a value is no condition: it is no object, or names no kind of condition, or several. */
export function kindMessage(input: unknown): string {
  const kinds = `a condition is an object with one key of ${either(CONDITION_KINDS)}`;
  if (!isRecord(input)) return `${kinds}, not ${Array.isArray(input) ? 'a list' : quote(input)}`;
  const keys = Object.keys(input);
  const named = keys.filter((k) => (CONDITION_KINDS as readonly string[]).includes(k));
  if (named.length > 1) return `a condition is of one kind, this one names ${names(named)}: combine them with all or any`;
  if ('field' in input) return `unknown condition kind: item conditions (field: …) go in bought: { where: [ … ] }`;
  if ('property' in input) return `unknown condition kind: property conditions go in an event's where: [ … ]`;
  return `unknown condition kind${keys.length > 0 ? ` (keys ${names(keys)})` : ''}: ${kinds}`;
}

/** An operator the subject does not take, or one that does not exist. */
export function opMessage(subject: Subject | undefined, op: unknown): string {
  const ops = subject ? opsFor(subject.type) : ValueOp.options;
  const use = `use one of ${names(ops)}`;
  if (op === undefined) return `${subject?.label ?? 'comparison'} needs an op: ${use}`;
  const known = (ValueOp.options as readonly unknown[]).includes(op);
  if (known && subject) return `${subject.label} does not take ${String(op)}; ${use}`;
  return `unknown op ${quote(op)}${subject ? ` for ${subject.label}` : ''}; ${use}`;
}

/** How many constants an operator takes does not match what was written. */
export function arityMessage(op: ValueOp): string {
  if (op === 'exists' || op === 'not_exists') return `${op} takes no value`;
  if (op === 'in' || op === 'not_in') return `${op} takes a list of values`;
  return `${op} takes one value`;
}

/** A constant of the wrong type for its subject. */
export function valueTypeMessage(subject: Subject): string {
  const wanted = { number: 'numbers', date: 'dates written YYYY-MM-DD', flag: 'true or false', scalar: 'text, numbers, true or false' }[subject.type];
  return `${subject.label} compares with ${wanted}`;
}

function unknownName(what: string, plural: string, input: unknown, known: readonly string[]): string {
  return `unknown ${what} ${quote(input)} (known ${plural}: ${names(known)})`;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let here = value;
  for (const key of path) {
    if (Array.isArray(here) && typeof key === 'number') here = here[key];
    else if (isRecord(here) && typeof key === 'string') here = here[key];
    else return undefined;
  }
  return here;
}

/**
 * The error map for one condition's own issues (zod's invalid option, invalid union, …): it sees
 * the whole condition, so an issue about `op` can name the fact the op was written for.
 */
export function conditionErrorMap(condition: unknown): z.core.$ZodErrorMap {
  return (issue) => {
    const path = issue.path ?? [];
    const key = path.at(-1);
    const parent = at(condition, path.slice(0, -1));
    if (issue.code === 'invalid_value') {
      if (key === 'fact') return unknownName('fact', 'facts', issue.input, FACTS);
      if (key === 'prediction') return unknownName('prediction', 'predictions', issue.input, PREDICTIONS);
      if (key === 'field') return unknownName('item field', 'item fields', issue.input, ITEM_FIELDS);
      if (path[0] === 'rfm' && path[1] === 'segment') return unknownName('RFM segment', 'segments', issue.input, RFM_SEGMENT_NAMES);
      if (key === 'op' && ['count', 'r', 'f', 'm'].includes(String(path.at(-2)))) {
        return `${issue.input === undefined ? 'missing op' : `unknown op ${quote(issue.input)}`} for ${String(path.at(-2))}; use one of ${names(CountOp.options)}`;
      }
      if (key === 'op') return opMessage(subjectOf(parent), issue.input);
    }
    if (issue.code === 'invalid_union' && key === 'value') return 'value must be text, a number, true or false, or a list of them';
    if (issue.code === 'invalid_union' && (key === 'trait' || key === 'property')) return `${key} must be a name or a list of names (a path into nested JSON)`;
    return undefined;
  };
}
