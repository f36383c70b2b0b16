import { ValidationFailed } from '../../../platform/errors.js';

/**
 * RFC 6901 JSON pointers for the generic source's per-integration field mapping. `''` is the whole document;
 * `/a/b` walks keys; `~1` is `/` and `~0` is `~` (decoded in that order, as §4 requires); array indexes are decimal
 * without leading zeros, and `-` (past the end) resolves to nothing.
 */

const maxPointerLength = 1_024;
const maxSegments = 64;

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (pointer.length > maxPointerLength || !pointer.startsWith('/')) {
    throw new ValidationFailed(`JSON pointer ${JSON.stringify(pointer.slice(0, 80))} must start with "/"`, {
      field: 'mapping',
    });
  }
  const segments = pointer.slice(1).split('/');
  if (segments.length > maxSegments) {
    throw new ValidationFailed(`JSON pointer has more than ${maxSegments} segments`, { field: 'mapping' });
  }
  return segments.map((segment) => {
    if (/~[^01]|~$/.test(segment)) {
      throw new ValidationFailed(`JSON pointer segment ${JSON.stringify(segment)} has an invalid ~ escape`, {
        field: 'mapping',
      });
    }
    return segment.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

/** The value at `pointer`, or undefined when any step is missing (never throws for a valid pointer). */
export function resolvePointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const segment of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d{0,9})$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
