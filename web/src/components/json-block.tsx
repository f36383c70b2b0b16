/** A value as indented JSON (or the text itself when it is a string that is not JSON), selectable and wrapped. */
export function JsonBlock({ value }: { value: unknown }) {
  return (
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      className="max-h-72 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs break-all whitespace-pre-wrap dark:border-zinc-700 dark:bg-zinc-950"
    >
      {formatJson(value)}
    </pre>
  );
}

export function formatJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  if (value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}
