/**
 * Calls `work` for every item of `items` with at most `limit` calls in flight. Items are pulled lazily, one at a time,
 * so a generator of large request bodies never holds more than `limit` of them in memory. The first failure stops
 * every lane from taking new items and is rethrown once the calls in flight have settled.
 */
export async function forEachConcurrently<Item>(
  items: Iterable<Item>,
  limit: number,
  work: (item: Item) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (failure) throw failure.error;
}
