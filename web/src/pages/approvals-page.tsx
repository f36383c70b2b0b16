import { useState } from 'react';
import { Link } from 'react-router';
import { type Approval, type ApprovalStatus, useApprovals, useDecideApproval } from '../api/chat';
import { hasRole, useSession } from '../api/session';
import { ExpiryCountdown } from '../components/approval-dialog';
import { JsonBlock } from '../components/json-block';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

const filters: Array<{ value: ApprovalStatus | 'all'; label: string }> = [
  { value: 'pending', label: 'Waiting' },
  { value: 'all', label: 'All recent' },
];

const statusStyle: Record<string, string> = {
  pending: 'border-amber-500 text-amber-800 dark:text-amber-300',
  approved: 'border-emerald-500 text-emerald-800 dark:text-emerald-300',
  denied: 'border-red-500 text-red-800 dark:text-red-300',
};

/** Every approval in the org, including those of background runs and other people's chats. */
export function ApprovalsPage() {
  const session = useSession();
  const canDecide = hasRole(session, 'editor');
  const [filter, setFilter] = useState<ApprovalStatus | 'all'>('pending');
  const approvals = useApprovals(filter);
  return (
    <>
      <PageHeader title="Approvals">
        <fieldset className="flex items-center gap-1">
          <legend className="sr-only">Show</legend>
          {filters.map((entry) => (
            <button
              key={entry.value}
              type="button"
              aria-pressed={filter === entry.value}
              className={`button ${filter === entry.value ? 'border-amber-500 bg-amber-50 dark:bg-amber-500/15' : ''}`}
              onClick={() => setFilter(entry.value)}
            >
              {entry.label}
            </button>
          ))}
        </fieldset>
      </PageHeader>
      <p className="muted mb-3 max-w-3xl">
        Changes the agent wants to make wait here for an editor or admin, from chats and from background runs such as
        investigations. An approval that expires counts as refused. Approving after its run ended runs the action then.
      </p>
      {approvals.isPending ? <Loading /> : null}
      {approvals.isError ? <ProblemMessage error={approvals.error} /> : null}
      {approvals.isSuccess && approvals.data.items.length === 0 ? (
        <Empty title={filter === 'pending' ? 'Nothing waits for approval' : 'No approvals yet'} />
      ) : null}
      <ul className="flex flex-col gap-3" data-testid="approvals">
        {approvals.data?.items.map((approval) => (
          <ApprovalItem key={approval.id} approval={approval} canDecide={canDecide} />
        ))}
      </ul>
    </>
  );
}

function ApprovalItem({ approval, canDecide }: { approval: Approval; canDecide: boolean }) {
  const session = useSession();
  const decide = useDecideApproval();
  const notify = useNotify();
  const now = useNow();
  const pending = approval.status === 'pending';
  const allowed = canDecide && (approval.approverRole !== 'admin' || hasRole(session, 'admin'));
  const act = (decision: 'approve' | 'deny') =>
    decide.mutate(
      { approvalId: approval.id, decision },
      { onSuccess: () => notify(decision === 'approve' ? 'Approved: the action runs now' : 'Denied') },
    );
  return (
    <li className="panel flex flex-col gap-2 px-3 py-2" data-approval-id={approval.id} data-status={approval.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded-full border px-2 py-px text-xs font-medium ${statusStyle[approval.status] ?? ''}`}>
          {approval.status}
        </span>
        <span className="font-medium">{approval.summary}</span>
        <span className="muted ml-auto text-xs">
          requested{' '}
          <time dateTime={approval.createdAt} title={formatAbsolute(approval.createdAt)}>
            {formatRelative(approval.createdAt, now)}
          </time>
          {approval.sessionId ? (
            ' in a chat'
          ) : (
            <>
              {' '}
              by a <strong>background run</strong>
            </>
          )}
        </span>
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-sm">
        <dt className="muted">Tool</dt>
        <dd className="font-mono">{approval.tool}</dd>
        {pending ? (
          <>
            <dt className="muted">Expires</dt>
            <dd>
              <ExpiryCountdown expiresAt={approval.expiresAt} />
            </dd>
          </>
        ) : approval.decidedAt ? (
          <>
            <dt className="muted">Decided</dt>
            <dd title={formatAbsolute(approval.decidedAt)}>{formatRelative(approval.decidedAt, now)}</dd>
          </>
        ) : null}
        {approval.approverRole === 'admin' ? (
          <>
            <dt className="muted">Needs</dt>
            <dd>an admin</dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary className="muted cursor-pointer text-xs font-medium uppercase">Input</summary>
        <JsonBlock value={approval.input} />
      </details>
      {approval.resolution ? (
        <details>
          <summary className="muted cursor-pointer text-xs font-medium uppercase">Result</summary>
          <JsonBlock value={approval.resolution} />
        </details>
      ) : null}
      {decide.isError ? <ProblemMessage error={decide.error} /> : null}
      {pending ? (
        <div className="flex items-center gap-2">
          {approval.sessionId && approval.requestedBy === session.user.id ? (
            <Link className="muted text-xs underline" to={`/chat/${approval.sessionId}`}>
              Open the chat
            </Link>
          ) : null}
          {allowed ? (
            <div className="ml-auto flex gap-2">
              <button type="button" className="button-danger" disabled={decide.isPending} onClick={() => act('deny')}>
                Deny
              </button>
              <button
                type="button"
                className="button-primary"
                disabled={decide.isPending}
                onClick={() => act('approve')}
              >
                Approve
              </button>
            </div>
          ) : (
            <p className="muted ml-auto text-sm">
              Only {approval.approverRole === 'admin' ? 'an admin' : 'an editor or admin'} may decide.
            </p>
          )}
        </div>
      ) : null}
    </li>
  );
}
