import * as RadixDialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { useNow } from '../lib/time';
import { Dialog } from './dialog';
import { JsonBlock } from './json-block';

export interface ApprovalRequest {
  confirmationId: string;
  tool: string;
  input: unknown;
  summary: string;
  expiresAt: string;
}

function remaining(expiresAt: string, now: number): number {
  return Math.max(0, Math.floor((new Date(expiresAt).getTime() - now) / 1000));
}

/** "4:59 left" until an approval expires; the run treats an expired approval as refused. */
export function ExpiryCountdown({ expiresAt }: { expiresAt: string }) {
  const now = useNow(1000);
  const seconds = remaining(expiresAt, now);
  if (seconds === 0) {
    return (
      <span role="timer" className="font-medium text-red-700 dark:text-red-400" data-testid="approval-countdown">
        expired
      </span>
    );
  }
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <span
      role="timer"
      aria-label={`Expires in ${text}`}
      className={`font-mono tabular-nums ${seconds < 30 ? 'font-semibold text-red-700 dark:text-red-400' : ''}`}
      data-testid="approval-countdown"
    >
      {text} left
    </span>
  );
}

export function isExpired(expiresAt: string, now = Date.now()): boolean {
  return remaining(expiresAt, now) === 0;
}

/**
 * Asks a human to approve or deny one mutating tool call: what it does (the server's summary), the tool and
 * its exact input, and how long is left. Escape or × only hides it; the call keeps waiting.
 */
export function ApprovalDialog({
  approval,
  open,
  onOpenChange,
  onDecide,
  pending,
  canDecide,
  error,
}: {
  approval: ApprovalRequest | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDecide: (decision: 'approve' | 'deny') => void;
  pending: boolean;
  canDecide: boolean;
  error?: ReactNode;
}) {
  const now = useNow(1000);
  const expired = approval ? isExpired(approval.expiresAt, now) : false;
  return (
    <Dialog
      open={open && approval !== undefined}
      onOpenChange={onOpenChange}
      title="Approve this action?"
      description="Aurora wants to run a tool that changes something. Nothing happens unless you approve."
      wide
    >
      {approval ? (
        <div className="flex flex-col gap-3" data-testid="approval-dialog">
          <p className="text-base font-medium" data-testid="approval-summary">
            {approval.summary}
          </p>
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
            <dt className="muted">Tool</dt>
            <dd className="font-mono">{approval.tool}</dd>
            <dt className="muted">Expires</dt>
            <dd>
              <ExpiryCountdown expiresAt={approval.expiresAt} />
            </dd>
          </dl>
          <div>
            <p className="muted mb-1 text-xs font-medium uppercase">Input</p>
            <JsonBlock value={approval.input} />
          </div>
          {error}
          {canDecide ? null : (
            <p className="muted">Only an editor or an admin may decide. Ask one to approve it in Approvals.</p>
          )}
          <div className="flex justify-end gap-2">
            <RadixDialog.Close className="button">Later</RadixDialog.Close>
            <button
              type="button"
              className="button-danger"
              disabled={!canDecide || pending || expired}
              onClick={() => onDecide('deny')}
            >
              Deny
            </button>
            <button
              type="button"
              className="button-primary"
              disabled={!canDecide || pending || expired}
              onClick={() => onDecide('approve')}
            >
              {pending ? 'Sending…' : 'Approve'}
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
