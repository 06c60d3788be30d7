import { isMap, type Document, type LineCounter } from 'yaml';

/** The line of a config file a setting is on (an unknown key: the key's own line), or undefined when the file does not hold it. */
export type LocateSetting = (path: readonly PropertyKey[], unknownKey?: string) => number | undefined;

/** Finds settings in the parsed config file, so that an invalid one is named by its line, as an editor shows it. */
export function settingLocator(doc: Document, lines: LineCounter): LocateSetting {
  return (path, unknownKey) => {
    const node: unknown = doc.getIn(path as unknown[], true);
    const pair = unknownKey !== undefined && isMap(node) ? node.items.find((p) => (p.key as { value?: unknown } | null)?.value === unknownKey) : undefined;
    const at = (pair?.key as { range?: [number, number, number] } | undefined)?.range ?? (node as { range?: [number, number, number] } | undefined)?.range;
    return at ? lines.linePos(at[0]).line : undefined;
  };
}
