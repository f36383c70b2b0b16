import { useState } from 'react';
import { hasRole, useSession } from '../api/session';
import { useAuditLog } from '../api/settings';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { formatAbsolute } from '../lib/time';

/** Who did what, newest first. The API answers only admins; others get its 403 explained. */
export function AuditLogPage() {
  const session = useSession();
  const [actionDraft, setActionDraft] = useState('');
  const [action, setAction] = useState('');
  const log = useAuditLog(action);
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <PageHeader title="Audit log">
        <form
          className="flex items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            setAction(actionDraft.trim());
          }}
        >
          <label htmlFor="audit-action" className="muted text-xs font-medium uppercase">
            Action
          </label>
          <input
            id="audit-action"
            className="field w-56"
            placeholder="e.g. integration.created"
            value={actionDraft}
            onChange={(event) => setActionDraft(event.target.value)}
          />
          <button type="submit" className="button">
            Filter
          </button>
        </form>
      </PageHeader>
      {!hasRole(session, 'admin') ? <p className="muted mb-2">The audit log is for admins.</p> : null}
      {log.isPending ? <Loading /> : null}
      {log.isError ? <ProblemMessage error={log.error} /> : null}
      {log.isSuccess && entries.length === 0 ? <Empty title="No entries" /> : null}
      {entries.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit log, newest first</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Action
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Outcome
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Actor
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Target
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  From
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Details
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/70">
                  <td className="px-3 py-1 whitespace-nowrap">{formatAbsolute(entry.createdAt)}</td>
                  <td className="px-3 py-1 font-mono text-xs">{entry.action}</td>
                  <td
                    className={`px-3 py-1 ${entry.outcome === 'success' ? '' : 'font-medium text-red-700 dark:text-red-400'}`}
                  >
                    {entry.outcome}
                  </td>
                  <td className="px-3 py-1 font-mono text-xs">
                    {entry.actor.type}
                    {entry.actor.id ? <span className="muted"> {entry.actor.id.slice(0, 8)}</span> : null}
                  </td>
                  <td className="px-3 py-1 font-mono text-xs">
                    {entry.targetType} <span className="muted">{entry.targetId.slice(0, 12)}</span>
                  </td>
                  <td className="muted px-3 py-1 font-mono text-xs">{entry.ip}</td>
                  <td className="muted max-w-md px-3 py-1 font-mono text-xs break-all">
                    {Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {log.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <button
            type="button"
            className="button"
            disabled={log.isFetchingNextPage}
            onClick={() => log.fetchNextPage()}
          >
            {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </button>
        </div>
      ) : null}
    </>
  );
}
