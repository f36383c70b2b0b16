export function runNow(callback: () => void): void {
  runAll([callback]);
}

/** After-commit callbacks are fire-and-forget: one failing must not undo or hide the commit. */
export function runAll(callbacks: Array<() => void>): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch {
      // The callback owns its error handling; the transaction already committed.
    }
  }
}
