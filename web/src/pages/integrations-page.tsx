import { type FormEvent, useState } from 'react';
import { hasRole, useSession } from '../api/session';
import { type Integration, type IntegrationSource, integrationSources, useIntegrations } from '../api/settings';
import { CopyButton, CopyField } from '../components/copy-button';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { snippetsFor } from '../lib/integration-snippets';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

const webhookUrl = (path: string) => new URL(path, window.location.origin).toString();

/** A secret shown once (after create or rotate), with the URL and snippets that use it. */
interface RevealedSecret {
  integration: Pick<Integration, 'id' | 'name' | 'source' | 'url'>;
  secret: string;
  rotated: boolean;
}

export function IntegrationsPage() {
  const session = useSession();
  const canEdit = hasRole(session, 'editor');
  const { query, create, setEnabled, rotate, remove } = useIntegrations();
  const notify = useNotify();
  const now = useNow();
  const [revealed, setRevealed] = useState<RevealedSecret>();
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'delete'; integration: Integration }>();
  const closeConfirm = (resetMutation: () => void) => {
    setConfirm(undefined);
    resetMutation();
  };

  return (
    <>
      <PageHeader title="Integrations" />
      <p className="muted mb-3 max-w-3xl">
        One webhook per monitoring tool. Aurora verifies each delivery with the integration's secret, which is shown
        only once, when it is created or rotated.
      </p>
      {canEdit ? (
        <CreateIntegrationForm
          pending={create.isPending}
          error={create.isError ? create.error : undefined}
          onCreate={(body) =>
            create.mutate(body, {
              onSuccess: (created) => setRevealed({ integration: created, secret: created.secret, rotated: false }),
            })
          }
        />
      ) : null}

      {query.isPending ? <Loading /> : null}
      {query.isError ? <ProblemMessage error={query.error} /> : null}
      {query.isSuccess && query.data.items.length === 0 ? (
        <Empty title="No integrations yet">
          Create one above, then paste its URL and secret into your monitoring tool.
        </Empty>
      ) : null}
      {query.isSuccess && query.data.items.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full text-left">
            <caption className="sr-only">Integrations</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Source
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Webhook URL
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  State
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Last delivery
                </th>
                {canEdit ? (
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((integration) => (
                <tr
                  key={integration.id}
                  className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70"
                  data-integration-id={integration.id}
                >
                  <td className="px-3 py-1.5 font-medium">{integration.name}</td>
                  <td className="px-3 py-1.5">{integration.source}</td>
                  <td className="max-w-md px-3 py-1.5">
                    <div className="flex items-center gap-2">
                      <code className="truncate font-mono text-xs">{webhookUrl(integration.url)}</code>
                      <CopyButton value={webhookUrl(integration.url)} label={`Copy URL of ${integration.name}`} />
                    </div>
                  </td>
                  <td className="px-3 py-1.5">
                    {integration.enabled ? (
                      <span className="text-emerald-700 dark:text-emerald-400">enabled</span>
                    ) : (
                      <span className="font-medium text-red-700 dark:text-red-400">disabled</span>
                    )}
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    {integration.lastReceivedAt ? (
                      <time dateTime={integration.lastReceivedAt} title={formatAbsolute(integration.lastReceivedAt)}>
                        {formatRelative(integration.lastReceivedAt, now)}
                      </time>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  {canEdit ? (
                    <td className="px-3 py-1.5">
                      <div className="flex justify-end gap-1">
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          disabled={setEnabled.isPending}
                          onClick={() =>
                            setEnabled.mutate(
                              { id: integration.id, enabled: !integration.enabled },
                              {
                                onSuccess: (updated) =>
                                  notify(`${updated.name} ${updated.enabled ? 'enabled' : 'disabled'}`),
                                onError: (error) => notify(error.message, { tone: 'error' }),
                              },
                            )
                          }
                        >
                          {integration.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          onClick={() => setConfirm({ kind: 'rotate', integration })}
                        >
                          Rotate secret
                        </button>
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          onClick={() => setConfirm({ kind: 'delete', integration })}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <ConfirmDialog
        open={confirm?.kind === 'rotate'}
        onOpenChange={(open) => !open && closeConfirm(rotate.reset)}
        title={`Rotate the secret of ${confirm?.integration.name ?? ''}?`}
        description="The current secret stops working at once. Deliveries fail until the tool is given the new secret."
        confirmLabel="Rotate secret"
        pending={rotate.isPending}
        error={rotate.isError ? <ProblemMessage error={rotate.error} /> : null}
        onConfirm={() => {
          const integration = confirm?.integration;
          if (!integration) return;
          rotate.mutate(integration.id, {
            onSuccess: ({ secret }) => {
              setConfirm(undefined);
              setRevealed({ integration, secret, rotated: true });
            },
          });
        }}
      />
      <ConfirmDialog
        open={confirm?.kind === 'delete'}
        onOpenChange={(open) => !open && closeConfirm(remove.reset)}
        title={`Delete ${confirm?.integration.name ?? ''}?`}
        description="Its webhook stops accepting deliveries and its secret is destroyed. Alerts already received stay."
        confirmLabel="Delete integration"
        pending={remove.isPending}
        error={remove.isError ? <ProblemMessage error={remove.error} /> : null}
        onConfirm={() => {
          const integration = confirm?.integration;
          if (!integration) return;
          remove.mutate(integration.id, {
            onSuccess: () => {
              setConfirm(undefined);
              notify(`${integration.name} deleted`);
            },
          });
        }}
      />
      <SecretDialog revealed={revealed} onClose={() => setRevealed(undefined)} />
    </>
  );
}

function CreateIntegrationForm({
  pending,
  error,
  onCreate,
}: {
  pending: boolean;
  error: unknown;
  onCreate: (body: { source: IntegrationSource; name: string }) => void;
}) {
  const [source, setSource] = useState<IntegrationSource>('alertmanager');
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCreate({ source, name: name.trim() || source });
  };
  return (
    <form
      onSubmit={submit}
      className="panel mb-4 flex flex-wrap items-end gap-3 px-3 py-2"
      aria-label="New integration"
    >
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Source</span>
        <select
          className="field"
          value={source}
          onChange={(event) => setSource(event.target.value as IntegrationSource)}
        >
          {integrationSources.map((entry) => (
            <option key={entry} value={entry}>
              {entry}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Name</span>
        <input
          className="field w-64"
          value={name}
          maxLength={100}
          placeholder={`e.g. production ${source}`}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <button type="submit" className="button-primary" disabled={pending}>
        {pending ? 'Creating…' : 'Create integration'}
      </button>
      {error ? <ProblemMessage error={error} className="w-full" /> : null}
    </form>
  );
}

function SecretDialog({ revealed, onClose }: { revealed: RevealedSecret | undefined; onClose: () => void }) {
  const url = revealed ? webhookUrl(revealed.integration.url) : '';
  const snippets = revealed ? snippetsFor(revealed.integration.source, url, revealed.secret) : [];
  return (
    <Dialog
      open={revealed !== undefined}
      onOpenChange={(open) => !open && onClose()}
      title={
        revealed?.rotated
          ? `New secret for ${revealed.integration.name}`
          : `${revealed?.integration.name ?? ''} is ready`
      }
      description={
        <strong className="text-amber-700 dark:text-amber-400">
          Copy the secret now: Aurora shows it only this once. If it is lost, rotate it.
        </strong>
      }
      wide
    >
      {revealed ? (
        <div className="flex flex-col gap-3" data-testid="integration-secret">
          <div>
            <p className="mb-1 text-sm font-medium">Webhook URL</p>
            <CopyField value={url} label="webhook URL" testId="webhook-url" />
          </div>
          <div>
            <p className="mb-1 text-sm font-medium">Secret (send as Authorization: Bearer …)</p>
            <CopyField value={revealed.secret} label="secret" testId="secret-value" />
          </div>
          {snippets.map((snippet) => (
            <div key={snippet.label}>
              <div className="mb-1 flex items-center justify-between">
                <p className="text-sm font-medium">{snippet.label}</p>
                <CopyButton value={snippet.text} label={`Copy ${snippet.label}`} />
              </div>
              <pre
                className="rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs break-all whitespace-pre-wrap dark:border-zinc-700 dark:bg-zinc-950"
                data-snippet={snippet.label}
              >
                {snippet.text}
              </pre>
            </div>
          ))}
          <div className="flex justify-end">
            <button type="button" className="button-primary" onClick={onClose}>
              I have copied it
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
