/**
 * An abort reason that ends a run as `failed` rather than `cancelled`: something the run depends on broke while
 * the model was already streaming (its user message or run record could not be stored).
 */
export class RunFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RunFailed';
  }
}

/**
 * Runs `work` on the next event-loop turn. PGlite executes SQL on this thread, so a write submitted before the model
 * call would run before the provider request is sent; deferred, it runs while the model thinks.
 */
export function nextTurn<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(work);
}
