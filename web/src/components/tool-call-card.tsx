import type { ToolCardStatus, ToolItem } from '../lib/chat-transcript';
import { useNow } from '../lib/time';
import { ExpiryCountdown } from './approval-dialog';
import { JsonBlock } from './json-block';

const statusText: Record<ToolCardStatus, string> = {
  running: 'running',
  waiting_approval: 'waiting for approval',
  ok: 'ok',
  error: 'error',
  invalid_input: 'invalid input',
  timeout: 'timed out',
  denied: 'denied',
  expired: 'approval expired',
  cancelled: 'cancelled',
};

const statusStyle: Record<ToolCardStatus, string> = {
  running: 'border-sky-400 text-sky-800 dark:border-sky-600 dark:text-sky-300',
  waiting_approval: 'border-amber-500 bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200',
  ok: 'border-emerald-500 text-emerald-800 dark:border-emerald-600 dark:text-emerald-300',
  error: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  invalid_input: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  timeout: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  denied: 'border-zinc-400 text-zinc-700 dark:border-zinc-500 dark:text-zinc-300',
  expired: 'border-zinc-400 text-zinc-700 dark:border-zinc-500 dark:text-zinc-300',
  cancelled: 'border-zinc-400 text-zinc-700 dark:border-zinc-500 dark:text-zinc-300',
};

export function formatMilliseconds(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.round(milliseconds))} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  return `${Math.floor(milliseconds / 60_000)}m ${Math.round((milliseconds % 60_000) / 1000)}s`;
}

function Duration({ card }: { card: ToolItem }) {
  const live = card.finishedAt === undefined && card.startedAt !== undefined;
  const now = useNow(live ? 1000 : 3_600_000);
  if (card.startedAt === undefined) return null;
  return <span className="muted tabular-nums">{formatMilliseconds((card.finishedAt ?? now) - card.startedAt)}</span>;
}

/** One tool call: name, status and duration at a glance; input and output when opened. */
export function ToolCallCard({ card, onReview }: { card: ToolItem; onReview?: () => void }) {
  const waiting = card.status === 'waiting_approval' && card.approval;
  return (
    <details
      className="panel group text-sm"
      data-testid="tool-card"
      data-tool={card.tool}
      data-status={card.status}
      open={waiting ? true : undefined}
    >
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-1.5 select-none">
        <span aria-hidden className="muted inline-block transition-transform group-open:rotate-90">
          ▸
        </span>
        <span className="font-mono font-medium">{card.tool}</span>
        <span className={`rounded-full border px-2 py-px text-xs font-medium ${statusStyle[card.status]}`}>
          {statusText[card.status]}
        </span>
        {card.status === 'running' ? (
          <span
            aria-hidden
            className="inline-block size-3 animate-spin rounded-full border-2 border-current border-t-transparent text-sky-600"
          />
        ) : null}
        <span className="ml-auto">
          <Duration card={card} />
        </span>
      </summary>
      <div className="flex flex-col gap-2 border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
        {waiting && card.approval ? (
          <div className="flex flex-wrap items-center gap-2 rounded border border-amber-400 bg-amber-50 px-2 py-1 dark:border-amber-600 dark:bg-amber-500/10">
            <span className="font-medium">{card.approval.summary}</span>
            <ExpiryCountdown expiresAt={card.approval.expiresAt} />
            {card.approval.decided ? (
              <span className="muted">{card.approval.decided === 'approve' ? 'approved, running…' : 'denied'}</span>
            ) : onReview ? (
              <button type="button" className="button-primary ml-auto py-0.5 text-xs" onClick={onReview}>
                Review approval
              </button>
            ) : null}
          </div>
        ) : null}
        <div>
          <p className="muted mb-1 text-xs font-medium uppercase">Input</p>
          <JsonBlock value={card.input} />
        </div>
        {card.output !== undefined ? (
          <div>
            <p className="muted mb-1 text-xs font-medium uppercase">Output</p>
            <JsonBlock value={card.output} />
          </div>
        ) : null}
      </div>
    </details>
  );
}
