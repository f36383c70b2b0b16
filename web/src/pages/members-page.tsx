import { type FormEvent, useState } from 'react';
import { hasRole, type Role, useSession } from '../api/session';
import { useMemberAdmin } from '../api/settings';
import { ConfirmDialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute } from '../lib/time';

const roles: Role[] = ['viewer', 'editor', 'admin'];

export function MembersPage() {
  const session = useSession();
  const isAdmin = hasRole(session, 'admin');
  const { query, add, changeRole, remove } = useMemberAdmin();
  const notify = useNotify();
  const [removing, setRemoving] = useState<{ userId: string; label: string }>();
  const closeRemoving = () => {
    setRemoving(undefined);
    remove.reset();
  };

  return (
    <>
      <PageHeader title="Members" />
      <p className="muted mb-3">
        Viewers read, editors also change incidents and integrations, admins also manage members and read the audit log.
      </p>
      {isAdmin ? <AddMemberForm add={add} /> : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ProblemMessage error={query.error} /> : null}
      {query.isSuccess && query.data.items.length === 0 ? <Empty title="No members" /> : null}
      {query.isSuccess && query.data.items.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full text-left">
            <caption className="sr-only">Members</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  E-mail
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Role
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Joined
                </th>
                {isAdmin ? (
                  <th scope="col" className="px-3 py-1.5">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((member) => (
                <tr key={member.userId} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                  <td className="px-3 py-1.5 font-medium">
                    {member.name || '—'}
                    {member.userId === session.user.id ? <span className="muted ml-1 text-xs">(you)</span> : null}
                  </td>
                  <td className="px-3 py-1.5">{member.email}</td>
                  <td className="px-3 py-1.5">
                    {isAdmin ? (
                      <select
                        className="field py-0.5"
                        aria-label={`Role of ${member.email}`}
                        value={member.role}
                        disabled={changeRole.isPending}
                        onChange={(event) =>
                          changeRole.mutate(
                            { userId: member.userId, role: event.target.value as Role },
                            {
                              onSuccess: () => notify(`${member.email} is now ${event.target.value}`),
                              onError: (error) => notify(error.message, { tone: 'error' }),
                            },
                          )
                        }
                      >
                        {roles.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    ) : (
                      member.role
                    )}
                  </td>
                  <td className="muted px-3 py-1.5">{formatAbsolute(member.joinedAt)}</td>
                  {isAdmin ? (
                    <td className="px-3 py-1.5 text-right">
                      <button
                        type="button"
                        className="button py-0.5 text-xs"
                        onClick={() => setRemoving({ userId: member.userId, label: member.email })}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={removing !== undefined}
        onOpenChange={(open) => !open && closeRemoving()}
        title={`Remove ${removing?.label ?? ''}?`}
        description="They lose access to this organization at once, including their API tokens for it."
        confirmLabel="Remove member"
        pending={remove.isPending}
        error={remove.isError ? <ProblemMessage error={remove.error} /> : null}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.userId, {
            onSuccess: () => {
              notify(`${removing.label} removed`);
              setRemoving(undefined);
            },
          })
        }
      />
    </>
  );
}

function AddMemberForm({ add }: { add: ReturnType<typeof useMemberAdmin>['add'] }) {
  const notify = useNotify();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      { email: email.trim(), role, name: name.trim() || undefined, password: password || undefined },
      {
        onSuccess: (added) => {
          notify(added.createdUser ? `Account created for ${email}` : `${email} added`);
          setEmail('');
          setName('');
          setPassword('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="panel mb-4 flex flex-wrap items-end gap-3 px-3 py-2" aria-label="Add a member">
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">E-mail</span>
        <input
          className="field w-60"
          type="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Role</span>
        <select className="field" value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {roles.map((entry) => (
            <option key={entry} value={entry}>
              {entry}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Name (new users)</span>
        <input className="field w-44" value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Password (new users)</span>
        <input
          className="field w-44"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <button type="submit" className="button-primary" disabled={add.isPending}>
        {add.isPending ? 'Adding…' : 'Add member'}
      </button>
      {add.isError ? <ProblemMessage error={add.error} className="w-full" /> : null}
    </form>
  );
}
