const severityStyles: Record<string, string> = {
  critical: 'bg-red-600 text-white border-red-700',
  high: 'bg-orange-500 text-zinc-950 border-orange-600',
  warning: 'bg-amber-300 text-zinc-950 border-amber-400',
  info: 'bg-sky-100 text-sky-900 border-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:border-sky-800',
};

const statusStyles: Record<string, string> = {
  open: 'border-red-400 text-red-700 dark:border-red-500 dark:text-red-300',
  investigating: 'border-violet-400 text-violet-700 dark:border-violet-500 dark:text-violet-300',
  analyzed: 'border-sky-400 text-sky-700 dark:border-sky-500 dark:text-sky-300',
  resolved: 'border-emerald-400 text-emerald-700 dark:border-emerald-600 dark:text-emerald-300',
  merged: 'border-zinc-300 text-zinc-500 dark:border-zinc-600 dark:text-zinc-400',
  firing: 'border-red-400 text-red-700 dark:border-red-500 dark:text-red-300',
};

export const severityOrder = ['critical', 'high', 'warning', 'info'] as const;
export const statusOrder = ['open', 'investigating', 'analyzed', 'resolved', 'merged'] as const;

/** Severity as text on a colour, so it reads without colour too. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span
      className={`inline-block min-w-[4.5rem] rounded border px-1.5 py-px text-center text-xs font-semibold uppercase tracking-wide ${severityStyles[severity] ?? severityStyles.info}`}
    >
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-block rounded-full border px-2 py-px text-xs font-medium ${statusStyles[status] ?? statusStyles.merged}`}
    >
      {status}
    </span>
  );
}
