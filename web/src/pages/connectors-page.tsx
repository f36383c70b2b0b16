import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  type Connection,
  type ConnectorProvider,
  type CredentialBody,
  type CredentialKind,
  isOAuthProvider,
  useAwsExternalId,
  useConnectorEvents,
  useConnectors,
} from '../api/connectors';
import { hasRole, useSession } from '../api/session';
import { CopyField } from '../components/copy-button';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

type DatadogSite = Extract<CredentialBody, { kind: 'api_key' }>['site'];
const datadogSites = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'ddog-gov.com',
] as const satisfies readonly DatadogSite[];

interface FieldSpec<Name extends string> {
  name: Name;
  label: string;
  type: 'text' | 'password' | 'url' | 'textarea' | 'secret-textarea' | 'select';
  optional?: boolean;
  placeholder?: string;
  options?: readonly string[];
}

type FieldsOf<Kind extends CredentialKind> = Array<
  FieldSpec<Exclude<keyof Extract<CredentialBody, { kind: Kind }>, 'kind' | 'name'> & string>
>;

/** The form of each credential kind; secrets are password fields and are never shown back. */
const credentialFields: { [Kind in CredentialKind]: FieldsOf<Kind> } = {
  bearer: [
    { name: 'url', label: 'URL', type: 'url', placeholder: 'https://prometheus.internal:9090' },
    { name: 'token', label: 'Bearer token', type: 'password' },
  ],
  basic: [
    { name: 'url', label: 'URL', type: 'url', placeholder: 'https://prometheus.internal:9090' },
    { name: 'username', label: 'User name', type: 'text' },
    { name: 'password', label: 'Password', type: 'password' },
  ],
  token: [{ name: 'token', label: 'Access token', type: 'password' }],
  api_key: [
    { name: 'site', label: 'Site', type: 'select', options: datadogSites },
    { name: 'apiKey', label: 'API key', type: 'password' },
    { name: 'applicationKey', label: 'Application key', type: 'password' },
  ],
  aws_keys: [
    { name: 'accessKeyId', label: 'Access key id', type: 'text', placeholder: 'AKIA…' },
    { name: 'secretAccessKey', label: 'Secret access key', type: 'password' },
    { name: 'sessionToken', label: 'Session token', type: 'password', optional: true },
    { name: 'region', label: 'Default region', type: 'text', optional: true, placeholder: 'eu-west-1' },
  ],
  aws_role: [
    { name: 'roleArn', label: 'Role ARN', type: 'text', placeholder: 'arn:aws:iam::123456789012:role/aurora-read' },
    { name: 'region', label: 'Default region', type: 'text', optional: true, placeholder: 'eu-west-1' },
  ],
  service_principal: [
    { name: 'tenantId', label: 'Tenant id', type: 'text' },
    { name: 'clientId', label: 'Client id', type: 'text' },
    { name: 'clientSecret', label: 'Client secret', type: 'password' },
    { name: 'subscriptionId', label: 'Subscription id', type: 'text', optional: true },
  ],
  service_account: [{ name: 'key', label: 'Service-account key (JSON)', type: 'secret-textarea' }],
  kubeconfig: [
    { name: 'kubeconfig', label: 'kubeconfig (YAML, inline credentials)', type: 'secret-textarea' },
    { name: 'context', label: 'Context', type: 'text' },
  ],
};

const oauthFailures: Record<string, string> = {
  consent_denied: 'The provider said you declined the access request.',
  authorization_failed: 'The provider did not authorize Aurora.',
  invalid_state: 'The sign-in link was not valid. Start again from this page.',
  state_expired: 'The sign-in took longer than 10 minutes. Start again.',
  state_already_used: 'That sign-in link was already used. Start again.',
  session_mismatch: 'The sign-in was started by another Aurora session. Start again while signed in here.',
  token_exchange_failed: 'Aurora could not exchange the code for a token with the provider.',
  missing_scopes: 'The provider granted fewer permissions than Aurora needs. Approve every requested scope.',
  not_configured: 'This OAuth provider is not configured on the server (see CONNECTOR_* settings).',
};

const statusStyle: Record<Connection['status'], string> = {
  active: 'border-emerald-500 text-emerald-800 dark:text-emerald-300',
  needs_reauth: 'border-amber-500 text-amber-800 dark:text-amber-300',
  error: 'border-red-500 text-red-800 dark:text-red-300',
};

export function ConnectorsPage() {
  const session = useSession();
  const canEdit = hasRole(session, 'editor');
  const { query } = useConnectors();
  useConnectorEvents();
  const [detail, setDetail] = useState<string>();
  const connections = query.data?.providers.flatMap((provider) => provider.connections) ?? [];
  const shown = connections.find((connection) => connection.id === detail);

  return (
    <>
      <PageHeader title="Connectors" />
      <p className="muted mb-3 max-w-3xl">
        Read access to your cloud, clusters and tools, used by the agent and investigations. Credentials are checked
        with one read call, then kept in the secret store; they are never shown again.
      </p>
      <OAuthOutcome connections={connections} />
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ProblemMessage error={query.error} /> : null}
      {query.isSuccess ? (
        <>
          <h2 className="mb-2 text-base font-semibold">Connections</h2>
          {connections.length === 0 ? (
            <p className="muted mb-4">No connections yet. Connect a provider below.</p>
          ) : (
            <div className="panel mb-6 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Connections</caption>
                <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
                  <tr>
                    <th scope="col" className="px-3 py-1.5 font-medium">
                      Name
                    </th>
                    <th scope="col" className="px-3 py-1.5 font-medium">
                      Provider
                    </th>
                    <th scope="col" className="px-3 py-1.5 font-medium">
                      Auth
                    </th>
                    <th scope="col" className="px-3 py-1.5 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-1.5 font-medium">
                      Account
                    </th>
                    <th scope="col" className="px-3 py-1.5">
                      <span className="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {connections.map((connection) => (
                    <tr
                      key={connection.id}
                      data-connection-id={connection.id}
                      className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70"
                    >
                      <td className="px-3 py-1.5 font-medium">{connection.name}</td>
                      <td className="px-3 py-1.5">{connection.provider}</td>
                      <td className="px-3 py-1.5">{connection.authKind}</td>
                      <td className="px-3 py-1.5">
                        <ConnectionStatus connection={connection} />
                      </td>
                      <td className="px-3 py-1.5 font-mono text-xs">
                        {connection.account ??
                          connection.project ??
                          connection.subscription ??
                          connection.settings.url ??
                          '—'}
                      </td>
                      <td className="px-3 py-1.5 text-right">
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          onClick={() => setDetail(connection.id)}
                          aria-label={`Details of ${connection.name}`}
                        >
                          Details
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2 className="mb-2 text-base font-semibold">Providers</h2>
          <ul className="grid gap-3 lg:grid-cols-2" data-testid="connector-catalog">
            {query.data.providers.map((provider) => (
              <ProviderCard key={provider.id} provider={provider} canEdit={canEdit} />
            ))}
          </ul>
        </>
      ) : null}
      <ConnectionDialog connection={shown} canEdit={canEdit} onClose={() => setDetail(undefined)} />
    </>
  );
}

function ConnectionStatus({ connection }: { connection: Connection }) {
  return (
    <span
      className={`rounded-full border px-2 py-px text-xs font-medium ${statusStyle[connection.status]}`}
      title={connection.lastError ?? undefined}
      data-testid="connection-status"
    >
      {connection.status.replace('_', ' ')}
    </span>
  );
}

/** The landing after an OAuth round trip: the callback redirects here with ?connected=… or ?error=…. */
function OAuthOutcome({ connections }: { connections: Connection[] }) {
  const [params, setParams] = useSearchParams();
  const connected = params.get('connected');
  const error = params.get('error');
  if (!connected && !error) return null;
  const dismiss = () => setParams({}, { replace: true });
  const connection = connections.find((entry) => entry.id === params.get('connectionId'));
  return (
    <div
      role={error ? 'alert' : 'status'}
      data-testid="oauth-outcome"
      className={`mb-4 flex items-start gap-3 rounded-md border px-3 py-2 ${error ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100' : 'border-emerald-400 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950/50 dark:text-emerald-100'}`}
    >
      <p className="flex-1">
        {error ? (
          <>
            <strong>Could not connect {params.get('provider') ?? 'the provider'}.</strong>{' '}
            {oauthFailures[error] ?? `The provider answered “${error}”.`}
          </>
        ) : (
          <>
            <strong>Connected {connection?.name ?? connected}.</strong> Aurora is looking up what it can reach; the
            connection updates here when that is done.
          </>
        )}
      </p>
      <button type="button" className="button py-0.5 text-xs" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

function ProviderCard({ provider, canEdit }: { provider: ConnectorProvider; canEdit: boolean }) {
  const [open, setOpen] = useState<CredentialKind>();
  const { startOAuth } = useConnectors();
  return (
    <li className="panel flex flex-col gap-2 px-3 py-2" data-provider={provider.id}>
      <div className="flex items-baseline gap-2">
        <h3 className="font-semibold">{provider.name}</h3>
        {provider.connections.length > 0 ? (
          <span className="muted text-xs">
            {provider.connections.length} connection{provider.connections.length === 1 ? '' : 's'}
          </span>
        ) : null}
      </div>
      <p className="muted text-sm">{provider.description}</p>
      <ul className="flex flex-wrap gap-2">
        {provider.authKinds.map((auth) => (
          <li key={auth.kind}>
            {auth.kind === 'oauth2' ? (
              <button
                type="button"
                className="button"
                disabled={!canEdit || !auth.available || startOAuth.isPending || !isOAuthProvider(provider.id)}
                title={auth.available ? undefined : auth.reason}
                onClick={() =>
                  isOAuthProvider(provider.id) &&
                  startOAuth.mutate(
                    { provider: provider.id },
                    { onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl) },
                  )
                }
              >
                {auth.label}
              </button>
            ) : (
              <button
                type="button"
                className="button"
                disabled={!canEdit || !auth.available}
                title={auth.available ? undefined : auth.reason}
                onClick={() => setOpen(auth.kind as CredentialKind)}
              >
                {auth.label}
              </button>
            )}
          </li>
        ))}
      </ul>
      {provider.authKinds
        .filter((auth) => !auth.available && auth.reason)
        .map((auth) => (
          <p key={auth.kind} className="muted text-xs">
            {auth.label}: {auth.reason}
          </p>
        ))}
      {startOAuth.isError ? <ProblemMessage error={startOAuth.error} /> : null}
      <CredentialDialog provider={provider} kind={open} onClose={() => setOpen(undefined)} />
    </li>
  );
}

function CredentialDialog({
  provider,
  kind,
  onClose,
}: {
  provider: ConnectorProvider;
  kind: CredentialKind | undefined;
  onClose: () => void;
}) {
  const { create } = useConnectors();
  const notify = useNotify();
  const [values, setValues] = useState<Record<string, string>>({});
  const fields = kind ? (credentialFields[kind] as Array<FieldSpec<string>>) : [];
  const label = provider.authKinds.find((auth) => auth.kind === kind)?.label ?? '';
  const externalId = useAwsExternalId(kind === 'aws_role');
  const close = () => {
    setValues({});
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return;
    const body: Record<string, string> = { kind };
    if (values.name?.trim()) body.name = values.name.trim();
    for (const field of fields) {
      const value =
        field.type === 'password' || field.type === 'secret-textarea' ? values[field.name] : values[field.name]?.trim();
      if (value) body[field.name] = value;
      else if (field.type === 'select' && field.options?.[0]) body[field.name] = field.options[0];
    }
    create.mutate(
      { provider: provider.id, body: body as unknown as CredentialBody },
      {
        onSuccess: (connection) => {
          notify(`${connection.name} connected`);
          close();
        },
      },
    );
  };
  return (
    <Dialog
      open={kind !== undefined}
      onOpenChange={(open) => !open && close()}
      title={`Connect ${provider.name}`}
      description={label}
      wide
    >
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label={`Connect ${provider.name}`}>
        {kind === 'aws_role' ? (
          <div className="text-sm">
            <p className="mb-1">
              The role’s trust policy must require this external id (<code>sts:ExternalId</code>):
            </p>
            {externalId.data ? <CopyField value={externalId.data.externalId} label="external id" /> : null}
            {externalId.isError ? <ProblemMessage error={externalId.error} /> : null}
          </div>
        ) : null}
        <label className="flex flex-col gap-0.5">
          <span className="text-sm font-medium">Name (optional)</span>
          <input
            className="field"
            maxLength={100}
            value={values.name ?? ''}
            placeholder="defaults to what Aurora finds"
            onChange={(event) => setValues({ ...values, name: event.target.value })}
          />
        </label>
        {fields.map((field) => (
          <div key={field.name} className="flex flex-col gap-0.5">
            <label htmlFor={`credential-${field.name}`} className="text-sm font-medium">
              {field.label}
              {field.optional ? ' (optional)' : ''}
            </label>
            {field.type === 'select' ? (
              <select
                id={`credential-${field.name}`}
                className="field"
                value={values[field.name] ?? field.options?.[0] ?? ''}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
              >
                {field.options?.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : field.type === 'textarea' || field.type === 'secret-textarea' ? (
              <textarea
                id={`credential-${field.name}`}
                className="field min-h-32 font-mono text-xs"
                required={!field.optional}
                spellCheck={false}
                autoComplete="off"
                value={values[field.name] ?? ''}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
              />
            ) : (
              <input
                id={`credential-${field.name}`}
                className={`field ${field.type === 'password' ? 'font-mono' : ''}`}
                type={field.type}
                required={!field.optional}
                autoComplete={field.type === 'password' ? 'off' : undefined}
                placeholder={field.placeholder}
                value={values[field.name] ?? ''}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
              />
            )}
          </div>
        ))}
        {create.isError ? <ProblemMessage error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={create.isPending}>
            {create.isPending ? 'Checking…' : 'Connect'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ConnectionDialog({
  connection,
  canEdit,
  onClose,
}: {
  connection: Connection | undefined;
  canEdit: boolean;
  onClose: () => void;
}) {
  const { verify, remove } = useConnectors();
  const notify = useNotify();
  const now = useNow();
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    verify.reset();
    onClose();
  };
  const settings = connection ? Object.entries(connection.settings).filter(([, value]) => value) : [];
  const discovery = connection?.discovery;
  return (
    <>
      <Dialog
        open={connection !== undefined && !confirming}
        onOpenChange={(open) => !open && close()}
        title={connection?.name ?? ''}
        wide
      >
        {connection ? (
          <div className="flex flex-col gap-3 text-sm" data-testid="connection-detail">
            <dl className="grid grid-cols-[10rem_minmax(0,1fr)] gap-x-3 gap-y-1">
              <dt className="muted">Provider</dt>
              <dd>{connection.provider}</dd>
              <dt className="muted">Authentication</dt>
              <dd>{connection.authKind}</dd>
              <dt className="muted">Status</dt>
              <dd>
                <ConnectionStatus connection={connection} />
              </dd>
              {connection.lastError ? (
                <>
                  <dt className="muted">Last error</dt>
                  <dd className="text-red-800 dark:text-red-300">{connection.lastError}</dd>
                </>
              ) : null}
              <dt className="muted">Last verified</dt>
              <dd>
                {connection.lastVerifiedAt ? (
                  <time title={formatAbsolute(connection.lastVerifiedAt)}>
                    {formatRelative(connection.lastVerifiedAt, now)}
                  </time>
                ) : (
                  'never'
                )}
              </dd>
              {(['account', 'project', 'subscription', 'region'] as const).map((field) =>
                connection[field] ? <FragmentRow key={field} label={field} value={connection[field] ?? ''} /> : null,
              )}
              {settings.map(([key, value]) => (
                <FragmentRow key={key} label={key} value={String(value)} />
              ))}
              {connection.scopes.length > 0 ? <FragmentRow label="scopes" value={connection.scopes.join(' ')} /> : null}
              <dt className="muted">Connected</dt>
              <dd title={formatAbsolute(connection.createdAt)}>{formatRelative(connection.createdAt, now)}</dd>
            </dl>
            {discovery && Object.keys(discovery).length > 0 ? (
              <div>
                <h3 className="mb-1 font-medium">
                  Found{discovery.discoveredAt ? ` ${formatRelative(discovery.discoveredAt, now)}` : ''}
                  {discovery.truncated ? ' (first results only)' : ''}
                </h3>
                <ul className="muted list-disc pl-5">
                  {discovery.projects?.map((project) => (
                    <li key={project.projectId}>
                      project {project.name} <code>{project.projectId}</code>
                    </li>
                  ))}
                  {discovery.accounts?.map((account) => (
                    <li key={account.id}>
                      account {account.name ?? ''} <code>{account.id}</code>
                    </li>
                  ))}
                  {discovery.subscriptions?.map((subscription) => (
                    <li key={subscription.id}>
                      subscription {subscription.name} <code>{subscription.id}</code>
                    </li>
                  ))}
                  {discovery.repositories?.map((repository) => (
                    <li key={repository.fullName}>
                      {repository.fullName}
                      {repository.private ? ' (private)' : ''}
                    </li>
                  ))}
                  {discovery.regions && discovery.regions.length > 0 ? (
                    <li>regions: {discovery.regions.join(', ')}</li>
                  ) : null}
                </ul>
              </div>
            ) : null}
            {verify.isError ? <ProblemMessage error={verify.error} /> : null}
            {canEdit ? (
              <div className="flex justify-end gap-2">
                <button
                  type="button"
                  className="button"
                  disabled={verify.isPending}
                  onClick={() =>
                    verify.mutate(connection.id, {
                      onSuccess: (checked) =>
                        notify(
                          checked.status === 'active' ? `${checked.name} works` : `${checked.name}: ${checked.status}`,
                          { tone: checked.status === 'active' ? 'success' : 'error' },
                        ),
                    })
                  }
                >
                  {verify.isPending ? 'Checking…' : 'Check again'}
                </button>
                <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
                  Disconnect
                </button>
              </div>
            ) : null}
          </div>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={confirming && connection !== undefined}
        onOpenChange={(open) => {
          if (!open) {
            setConfirming(false);
            remove.reset();
          }
        }}
        title={`Disconnect ${connection?.name ?? ''}?`}
        description="Aurora revokes the grant where the provider allows it and deletes the stored credentials. Tools stop using this connection at once."
        confirmLabel="Disconnect"
        pending={remove.isPending}
        error={remove.isError ? <ProblemMessage error={remove.error} /> : null}
        onConfirm={() =>
          connection &&
          remove.mutate(connection.id, {
            onSuccess: ({ revocation }) => {
              notify(
                `${connection.name} disconnected${revocation === 'failed' ? '; the provider did not confirm the revocation, revoke it there too' : ''}`,
                { tone: revocation === 'failed' ? 'error' : 'success' },
              );
              setConfirming(false);
              close();
            },
          })
        }
      />
    </>
  );
}

function FragmentRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="muted">{label}</dt>
      <dd className="font-mono text-xs break-all">{value}</dd>
    </>
  );
}
