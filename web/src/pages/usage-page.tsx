import { type ReactNode, useState } from 'react';
import { formatCost, formatTokens, type UsageReport, usageRanges, useUsage } from '../api/chat';
import { useMembers } from '../api/incidents';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';

type Totals = UsageReport['totals'];

function TotalsCells({ totals }: { totals: Totals }) {
  return (
    <>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatTokens(totals.calls)}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatTokens(totals.inputTokens)}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatTokens(totals.outputTokens)}</td>
      <td className="px-3 py-1.5 text-right font-medium tabular-nums">{formatCost(totals.costUsd)}</td>
    </>
  );
}

function UsageTable({
  caption,
  label,
  rows,
}: {
  caption: string;
  label: string;
  rows: Array<{ key: string; name: ReactNode; totals: Totals }>;
}) {
  return (
    <div className="panel overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="px-3 py-1.5 text-left font-semibold">{caption}</caption>
        <thead className="muted border-y border-zinc-200 text-xs uppercase dark:border-zinc-800">
          <tr>
            <th scope="col" className="px-3 py-1.5 font-medium">
              {label}
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Calls
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Input tokens
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Output tokens
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted px-3 py-2">
                Nothing in this period.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                <td className="px-3 py-1.5">{row.name}</td>
                <TotalsCells totals={row.totals} />
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Model tokens and estimated cost in the org, by model, user and chat session. */
export function UsagePage() {
  const [range, setRange] = useState<(typeof usageRanges)[number]['value']>('30d');
  const days = usageRanges.find((entry) => entry.value === range)?.days ?? 30;
  const usage = useUsage(days);
  const members = useMembers();
  const nameOf = (userId: string | null) => {
    if (!userId) return <span className="muted">background runs</span>;
    const member = members.data?.items.find((item) => item.userId === userId);
    return member ? member.name || member.email : <span className="font-mono text-xs">{userId}</span>;
  };
  return (
    <>
      <PageHeader title="Usage and cost">
        <label className="flex items-center gap-2 text-sm">
          <span className="muted">Period</span>
          <select className="field" value={range} onChange={(event) => setRange(event.target.value as typeof range)}>
            {usageRanges.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
        </label>
      </PageHeader>
      <p className="muted mb-3 max-w-3xl">
        Costs are estimates from Aurora’s price table; a model without a price counts tokens only.
      </p>
      {usage.isPending ? <Loading /> : null}
      {usage.isError ? <ProblemMessage error={usage.error} /> : null}
      {usage.isSuccess ? (
        usage.data.totals.calls === 0 ? (
          <Empty title="No model calls in this period" />
        ) : (
          <div className="flex flex-col gap-4" data-testid="usage-report">
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {[
                ['Model calls', formatTokens(usage.data.totals.calls)],
                ['Input tokens', formatTokens(usage.data.totals.inputTokens)],
                ['Output tokens', formatTokens(usage.data.totals.outputTokens)],
                ['Estimated cost', formatCost(usage.data.totals.costUsd)],
              ].map(([label, value]) => (
                <div key={label} className="panel px-3 py-2">
                  <dt className="muted text-xs uppercase">{label}</dt>
                  <dd className="text-lg font-semibold tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
            <p className="text-sm">
              Your own cost in this period: <strong>{formatCost(usage.data.currentUserCostUsd)}</strong>
            </p>
            <UsageTable
              caption="By model"
              label="Model"
              rows={usage.data.byModel.map((entry) => ({
                key: `${entry.provider}/${entry.model}`,
                name: (
                  <span className="font-mono text-xs">
                    {entry.provider}/{entry.model}
                    {entry.priced ? null : <span className="muted font-sans"> (no price)</span>}
                  </span>
                ),
                totals: entry,
              }))}
            />
            <UsageTable
              caption="By user"
              label="User"
              rows={usage.data.byUser.map((entry) => ({
                key: entry.userId ?? 'background',
                name: nameOf(entry.userId),
                totals: entry,
              }))}
            />
            <UsageTable
              caption="By chat session (top 100)"
              label="Session"
              rows={usage.data.bySession.map((entry) => ({
                key: entry.sessionId,
                name: <span className="font-mono text-xs">{entry.sessionId}</span>,
                totals: entry,
              }))}
            />
          </div>
        )
      ) : null}
    </>
  );
}
