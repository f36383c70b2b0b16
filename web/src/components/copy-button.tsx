import { useState } from 'react';

/** Copies `value` to the clipboard and says so; falls back to selecting the text where the clipboard is refused. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  return (
    <button
      type="button"
      className="button shrink-0 px-2 py-0.5 text-xs"
      aria-label={`${label}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied('yes');
        } catch {
          setCopied('failed');
        }
        window.setTimeout(() => setCopied(undefined), 2000);
      }}
    >
      {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy' : label}
    </button>
  );
}

/** A value shown in full (monospace, selectable, wrapped rather than scrolled) with a copy button beside it. */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <div className="flex items-center gap-2">
      <code
        data-testid={testId}
        className="min-w-0 flex-1 rounded border border-zinc-200 bg-zinc-50 px-2 py-1 font-mono text-xs break-all whitespace-pre-wrap select-all dark:border-zinc-700 dark:bg-zinc-950"
      >
        {value}
      </code>
      <CopyButton value={value} label={`Copy ${label}`} />
    </div>
  );
}
