/**
 * The items of each source in turn, the next source started as soon as the current one yields its first item:
 * a query's sort then runs on DuckDB's threads while the items before it are being used. A source left
 * early (an error, a break) is closed, and so is the one started ahead, once its first item is in.
 */
export async function* prefetched<T>(sources: readonly AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  let ahead: Promise<IteratorResult<T>> | undefined = iterators[0]?.next();
  let current = -1;
  try {
    for (let k = 0; k < iterators.length; k++) {
      current = k;
      let step = await (ahead as Promise<IteratorResult<T>>);
      ahead = iterators[k + 1]?.next();
      // Marked as handled here; its failure is thrown where it is awaited, at the next source.
      ahead?.catch(() => undefined);
      while (!step.done) {
        yield step.value;
        step = await iterators[k]!.next();
      }
    }
    current = iterators.length;
  } finally {
    if (current < iterators.length) {
      await iterators[current]?.return?.();
      if (ahead !== undefined && current + 1 < iterators.length) {
        await ahead.catch(() => undefined);
        await iterators[current + 1]?.return?.();
      }
    }
  }
}
