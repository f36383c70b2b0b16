/**
 * A small deterministic mutator for JSON payloads, used to prove that parsers (and, in the HTTP fuzz test, the whole
 * intake path) answer odd input with a ValidationFailed or a sane alert, never a crash. Same seed, same outputs.
 *
 * Each mutated value applies 1–`maxMutations` of: delete a key or array item, swap a value's type, null it out,
 * a huge string, deep nesting, unicode edge cases (combining marks, RTL override, NUL, lone surrogates, emoji),
 * numbers as strings and back, duplicated array items, empty containers, prototype-named keys (`__proto__`,
 * `constructor`), garbage dates, and wrapping a value in an array.
 */

export type Random = () => number;

export const mutationNames = [
  'deleteKey',
  'swapType',
  'nullOut',
  'hugeString',
  'deepNesting',
  'unicode',
  'numberAsString',
  'duplicateArray',
  'emptyContainer',
  'prototypeKey',
  'dateGarbage',
  'wrapInArray',
] as const;
export type MutationName = (typeof mutationNames)[number];

export interface MutateOptions {
  /** At most this many mutations per output (default 3). */
  maxMutations?: number;
  /** Length of the huge strings (default 200,000 characters). */
  hugeStringLength?: number;
  /** Deepest nesting the deepNesting mutation builds (default 2,000 levels). */
  maxDepth?: number;
  /** Only these mutations (default all). */
  only?: readonly MutationName[];
}

/** mulberry32: a tiny seeded PRNG, good enough to spread mutations and fully reproducible. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function* fuzzPayloads(
  base: unknown,
  options: MutateOptions & { seed: number; count: number },
): Generator<unknown, void, undefined> {
  const random = createRandom(options.seed);
  for (let index = 0; index < options.count; index += 1) yield mutatePayload(base, random, options);
}

export function mutatePayload(value: unknown, random: Random, options: MutateOptions = {}): unknown {
  const holder: Record<string, unknown> = { root: cloneJson(value) };
  const count = 1 + Math.floor(random() * (options.maxMutations ?? 3));
  const names = options.only && options.only.length > 0 ? options.only : mutationNames;
  for (let step = 0; step < count; step += 1) {
    const slots = collectSlots(holder);
    const slot = pick(random, slots);
    const name = pick(random, names);
    applyMutation(name, slot, random, options);
  }
  return holder.root;
}

interface Slot {
  container: Record<string, unknown> | unknown[];
  key: string | number;
}

const maxSlots = 2_000;
const maxSlotDepth = 64;

/** Every value position in the document (breadth-first, bounded so a deep or huge input stays cheap). */
function collectSlots(holder: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [{ container: holder, key: 'root' }];
  const queue: { value: unknown; depth: number }[] = [{ value: holder.root, depth: 0 }];
  for (let cursor = 0; cursor < queue.length && slots.length < maxSlots; cursor += 1) {
    const entry = queue[cursor];
    if (!entry || entry.depth >= maxSlotDepth) continue;
    const { value, depth } = entry;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length && slots.length < maxSlots; index += 1) {
        slots.push({ container: value, key: index });
        queue.push({ value: value[index], depth: depth + 1 });
      }
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (slots.length >= maxSlots) break;
        slots.push({ container: record, key });
        queue.push({ value: record[key], depth: depth + 1 });
      }
    }
  }
  return slots;
}

function read(slot: Slot): unknown {
  return Array.isArray(slot.container)
    ? slot.container[slot.key as number]
    : (slot.container as Record<string, unknown>)[slot.key as string];
}

function write(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.container)) slot.container[slot.key as number] = value;
  else Object.defineProperty(slot.container, slot.key, { value, enumerable: true, writable: true, configurable: true });
}

const unicodeSamples = [
  '💥🔥',
  'e\u0301\u0301\u0301',
  '\u202eevil\u202c',
  'nul\u0000byte',
  '\ud800',
  '\udfff\ud800',
  '\u200b\ufeff',
  'ｆｕｌｌｗｉｄｔｈ',
  '𝕬𝖑𝖊𝖗𝖙',
  'עברית',
  '\n\r\t\u000b\u000c',
  '"quoted" \\ back\\slash',
];

const dateSamples: unknown[] = [
  '0001-01-01T00:00:00Z',
  '9999-99-99T99:99:99Z',
  '2024-02-30T25:61:61Z',
  'yesterday',
  '',
  -1,
  0,
  1e21,
  '1e400',
  '17000000000000000000000',
  '2024-01-01T00:00:00+99:99',
];

const typeSamples: unknown[] = [0, -1, 1.5, 2 ** 53 + 1, true, false, 'text', '', [], {}, Number.NaN, Infinity];

function applyMutation(name: MutationName, slot: Slot, random: Random, options: MutateOptions): void {
  const current = read(slot);
  switch (name) {
    case 'deleteKey':
      if (slot.key === 'root' && !Array.isArray(slot.container)) write(slot, undefined);
      else if (Array.isArray(slot.container)) slot.container.splice(slot.key as number, 1);
      else delete (slot.container as Record<string, unknown>)[slot.key as string];
      return;
    case 'swapType': {
      const candidates = [...typeSamples, [current], { value: current }].filter(
        (candidate) => typeof candidate !== typeof current || Array.isArray(candidate) !== Array.isArray(current),
      );
      write(slot, pick(random, candidates));
      return;
    }
    case 'nullOut':
      write(slot, null);
      return;
    case 'hugeString': {
      const length = options.hugeStringLength ?? 200_000;
      const unit = pick(random, ['A', 'é', '💥', '<script>', ' ']);
      write(slot, unit.repeat(Math.ceil(length / unit.length)));
      return;
    }
    case 'deepNesting': {
      const depth = 100 + Math.floor(random() * Math.max(1, (options.maxDepth ?? 2_000) - 100));
      const useArrays = random() < 0.5;
      let nested: unknown = current ?? 'bottom';
      for (let level = 0; level < depth; level += 1) nested = useArrays ? [nested] : { nested };
      write(slot, nested);
      return;
    }
    case 'unicode': {
      const sample = pick(random, unicodeSamples);
      if (typeof current === 'string') {
        const at = Math.floor(random() * (current.length + 1));
        write(slot, current.slice(0, at) + sample + current.slice(at));
      } else {
        write(slot, sample);
      }
      return;
    }
    case 'numberAsString':
      if (typeof current === 'number') write(slot, String(current));
      else if (typeof current === 'string' && current.trim() !== '' && Number.isFinite(Number(current))) {
        write(slot, Number(current));
      } else write(slot, pick(random, ['12345', '-0', '1e3', '0x1F', ' 42 ']));
      return;
    case 'duplicateArray':
      if (Array.isArray(current) && current.length > 0) {
        const times = 2 + Math.floor(random() * 50);
        const copy: unknown[] = [];
        for (let round = 0; round < times && copy.length < 5_000; round += 1) copy.push(...current);
        write(slot, copy);
      } else {
        write(slot, [current, current]);
      }
      return;
    case 'emptyContainer':
      write(slot, pick(random, [[], {}, '']));
      return;
    case 'prototypeKey': {
      const target = typeof current === 'object' && current !== null && !Array.isArray(current) ? current : {};
      const key = pick(random, ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
      const injected = pick(random, [{ polluted: true }, 'x', 1, null]);
      Object.defineProperty(target, key, { value: injected, enumerable: true, writable: true, configurable: true });
      write(slot, target);
      return;
    }
    case 'dateGarbage':
      write(slot, pick(random, dateSamples));
      return;
    case 'wrapInArray':
      write(slot, [current]);
      return;
  }
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Deep copy of JSON-like data without recursion, so already-deep inputs clone safely. */
function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: { source: unknown; target: unknown }[] = [{ source: value, target: root }];
  while (stack.length > 0) {
    const { source, target } = stack.pop() as { source: unknown; target: unknown };
    for (const [key, child] of Object.entries(source as Record<string, unknown>)) {
      let copy: unknown = child;
      if (typeof child === 'object' && child !== null) {
        copy = Array.isArray(child) ? [] : {};
        stack.push({ source: child, target: copy });
      }
      Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}
