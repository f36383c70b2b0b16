import { type FormEvent, useState } from 'react';
import { hasRole, type Role, useSession } from '../api/session';
import { type CreatedToken, useApiTokens } from '../api/settings';
import { CopyField } from '../components/copy-button';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

const roles: Role[] = ['viewer', 'editor', 'admin'];

export function TokensPage() {
  const session = useSession();
  const { query, create, revoke } = useApiTokens();
  const notify = useNotify();
  const now = useNow();
  const [created, setCreated] = useState<CreatedToken>();
  const [revoking, setRevoking] = useState<{ id: string; name: string }>();
  const closeRevoking = () => {
    setRevoking(undefined);
    revoke.reset();
  };
  const allowedRoles = roles.filter((role) => hasRole(session, role));

  return (
    <>
      <PageHeader title="API tokens" />
      <p className="muted mb-3 max-w-3xl">
        For scripts and CI: send as <code>Authorization: Bearer aur_…</code>. A token acts as you in{' '}
        {session.organization.name}, with at most your role.{' '}
        {hasRole(session, 'admin') ? 'As an admin you see every token in the organization.' : ''}
      </p>
      <CreateTokenForm
        allowedRoles={allowedRoles}
        defaultRole={session.role}
        pending={create.isPending}
        error={create.isError ? create.error : undefined}
        onCreate={(body) => create.mutate(body, { onSuccess: setCreated })}
      />
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ProblemMessage error={query.error} /> : null}
      {query.isSuccess && query.data.items.length === 0 ? <Empty title="No API tokens" /> : null}
      {query.isSuccess && query.data.items.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full text-left">
            <caption className="sr-only">API tokens</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Token
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Role
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Created
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Last used
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Expires
                </th>
                <th scope="col" className="px-3 py-1.5">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((token) => (
                <tr
                  key={token.id}
                  className={`border-b border-zinc-100 last:border-0 dark:border-zinc-800/70 ${token.revokedAt ? 'opacity-60' : ''}`}
                >
                  <td className="px-3 py-1.5 font-medium">{token.name}</td>
                  <td className="px-3 py-1.5 font-mono text-xs">{token.prefix}…</td>
                  <td className="px-3 py-1.5">{token.role}</td>
                  <td className="px-3 py-1.5 whitespace-nowrap" title={formatAbsolute(token.createdAt)}>
                    {formatRelative(token.createdAt, now)}
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    {token.lastUsedAt ? formatRelative(token.lastUsedAt, now) : <span className="muted">never</span>}
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    {token.revokedAt ? (
                      <span className="text-red-700 dark:text-red-400">revoked</span>
                    ) : token.expiresAt ? (
                      formatRelative(token.expiresAt, now)
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td className="px-3 py-1.5 text-right">
                    {token.revokedAt ? null : (
                      <button
                        type="button"
                        className="button py-0.5 text-xs"
                        onClick={() => setRevoking({ id: token.id, name: token.name })}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog
        open={created !== undefined}
        onOpenChange={(open) => !open && setCreated(undefined)}
        title={`Token ${created?.apiToken.name ?? ''} created`}
        description={
          <strong className="text-amber-700 dark:text-amber-400">Copy it now: Aurora shows it only this once.</strong>
        }
      >
        {created ? (
          <>
            <CopyField value={created.token} label="token" testId="token-value" />
            <div className="mt-3 flex justify-end">
              <button type="button" className="button-primary" onClick={() => setCreated(undefined)}>
                I have copied it
              </button>
            </div>
          </>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={revoking !== undefined}
        onOpenChange={(open) => !open && closeRevoking()}
        title={`Revoke ${revoking?.name ?? ''}?`}
        description="Anything using it stops working at once."
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        error={revoke.isError ? <ProblemMessage error={revoke.error} /> : null}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              notify(`${revoking.name} revoked`);
              setRevoking(undefined);
            },
          })
        }
      />
    </>
  );
}

function CreateTokenForm({
  allowedRoles,
  defaultRole,
  pending,
  error,
  onCreate,
}: {
  allowedRoles: Role[];
  defaultRole: Role;
  pending: boolean;
  error: unknown;
  onCreate: (body: { name: string; role: Role; expiresInDays?: number }) => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(defaultRole);
  const [expiresInDays, setExpiresInDays] = useState('90');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCreate({ name: name.trim(), role, expiresInDays: expiresInDays ? Number(expiresInDays) : undefined });
  };
  return (
    <form onSubmit={submit} className="panel mb-4 flex flex-wrap items-end gap-3 px-3 py-2" aria-label="New API token">
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Name</span>
        <input
          className="field w-56"
          required
          maxLength={100}
          value={name}
          placeholder="e.g. ci-deploys"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Role</span>
        <select className="field" value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {allowedRoles.map((entry) => (
            <option key={entry} value={entry}>
              {entry}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Expires</span>
        <select className="field" value={expiresInDays} onChange={(event) => setExpiresInDays(event.target.value)}>
          <option value="7">in 7 days</option>
          <option value="30">in 30 days</option>
          <option value="90">in 90 days</option>
          <option value="365">in a year</option>
          <option value="">never</option>
        </select>
      </label>
      <button type="submit" className="button-primary" disabled={pending}>
        {pending ? 'Creating…' : 'Create token'}
      </button>
      {error ? <ProblemMessage error={error} className="w-full" /> : null}
    </form>
  );
}
