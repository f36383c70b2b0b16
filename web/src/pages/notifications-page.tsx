import { type FormEvent, type ReactNode, useId, useState } from 'react';
import {
  type NotificationEvent,
  type NotificationSettings,
  type NotificationSettingsBody,
  notificationEvents,
  useNotificationSettings,
} from '../api/notifications';
import { hasRole, useSession } from '../api/session';
import { CopyField } from '../components/copy-button';
import { Dialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

export function NotificationsPage() {
  const session = useSession();
  if (!hasRole(session, 'admin')) {
    return (
      <>
        <PageHeader title="Notification channels" />
        <p className="muted">Only an admin can see and change notification channels.</p>
      </>
    );
  }
  return <NotificationChannels />;
}

function NotificationChannels() {
  const { query, deliveries, save, test } = useNotificationSettings();
  const [signingSecret, setSigningSecret] = useState<string>();
  const notify = useNotify();
  const now = useNow();
  if (query.isPending) return <Loading />;
  if (query.isError) return <ProblemMessage error={query.error} />;
  const settings = query.data;
  const anyChannel = Boolean(settings.slack || settings.email || settings.webhook);
  return (
    <>
      <PageHeader title="Notification channels">
        <button type="button" className="button" disabled={!anyChannel || test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? 'Sending…' : 'Send a test message'}
        </button>
      </PageHeader>
      <p className="muted mb-3 max-w-3xl">
        Where Aurora tells people about investigations. Credentials (Slack webhook URL or bot token, SMTP password,
        webhook signing secret) are write-only: leave a field empty to keep the stored one.
      </p>
      {test.isError ? <ProblemMessage error={test.error} className="mb-3" /> : null}
      {test.data ? (
        <ul className="mb-3 flex flex-col gap-1" role="status" data-testid="notification-test-results">
          {test.data.results.map((result) => (
            <li
              key={result.channel}
              className={result.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}
            >
              <strong>{result.channel}</strong>: {result.ok ? 'sent' : `failed — ${result.error ?? 'no answer'}`}
            </li>
          ))}
        </ul>
      ) : null}
      {save.isError ? <ProblemMessage error={save.error} className="mb-3" /> : null}
      <div className="grid gap-4 xl:grid-cols-3">
        <SlackForm
          current={settings.slack}
          pending={save.isPending}
          onSave={(slack) => save.mutate({ slack }, { onSuccess: () => notify('Slack saved') })}
        />
        <EmailForm
          current={settings.email}
          pending={save.isPending}
          onSave={(email) => save.mutate({ email }, { onSuccess: () => notify('E-mail saved') })}
        />
        <WebhookForm
          current={settings.webhook}
          pending={save.isPending}
          onSave={(webhook) =>
            save.mutate(
              { webhook },
              {
                onSuccess: (saved) => {
                  if (saved.webhook?.signingSecret) setSigningSecret(saved.webhook.signingSecret);
                  notify('Webhook saved');
                },
              },
            )
          }
        />
      </div>
      <h2 className="mt-6 mb-2 text-base font-semibold">Recent deliveries</h2>
      {deliveries.isError ? <ProblemMessage error={deliveries.error} /> : null}
      {deliveries.data && deliveries.data.items.length === 0 ? <p className="muted">None yet.</p> : null}
      {deliveries.data && deliveries.data.items.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Recent deliveries</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                {['When', 'Channel', 'Event', 'Status', 'Attempts', 'Last error'].map((label) => (
                  <th key={label} scope="col" className="px-3 py-1.5 font-medium">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => (
                <tr key={delivery.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                  <td className="px-3 py-1.5 whitespace-nowrap" title={formatAbsolute(delivery.createdAt)}>
                    {formatRelative(delivery.createdAt, now)}
                  </td>
                  <td className="px-3 py-1.5">{delivery.channel}</td>
                  <td className="px-3 py-1.5 font-mono text-xs">{delivery.event}</td>
                  <td className="px-3 py-1.5">{delivery.status}</td>
                  <td className="px-3 py-1.5 tabular-nums">{delivery.attempts}</td>
                  <td className="px-3 py-1.5 text-red-800 dark:text-red-300">{delivery.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog
        open={signingSecret !== undefined}
        onOpenChange={(open) => !open && setSigningSecret(undefined)}
        title="Webhook signing secret"
        description={
          <strong className="text-amber-700 dark:text-amber-400">
            Copy it now: Aurora shows it only this once. Rotate it if it is lost.
          </strong>
        }
      >
        {signingSecret ? <CopyField value={signingSecret} label="signing secret" testId="signing-secret" /> : null}
        <div className="mt-3 flex justify-end">
          <button type="button" className="button-primary" onClick={() => setSigningSecret(undefined)}>
            I have copied it
          </button>
        </div>
      </Dialog>
    </>
  );
}

function ChannelCard({
  title,
  configured,
  children,
  onSubmit,
  onRemove,
  pending,
}: {
  title: string;
  configured: boolean;
  children: ReactNode;
  onSubmit: () => void;
  onRemove: () => void;
  pending: boolean;
}) {
  return (
    <form
      className="panel flex flex-col gap-2 p-3"
      aria-label={title}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h2 className="flex items-center gap-2 font-semibold">
        {title}
        <span className="muted text-xs font-normal">{configured ? 'configured' : 'not configured'}</span>
      </h2>
      {children}
      <div className="mt-1 flex gap-2">
        <button type="submit" className="button-primary" disabled={pending}>
          Save
        </button>
        {configured ? (
          <button type="button" className="button" disabled={pending} onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** A labelled control; `children` gets the id to put on the control. */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function CommonFields({
  enabled,
  events,
  onEnabled,
  onEvents,
}: {
  enabled: boolean;
  events: NotificationEvent[];
  onEnabled: (enabled: boolean) => void;
  onEvents: (events: NotificationEvent[]) => void;
}) {
  return (
    <>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={enabled} onChange={(event) => onEnabled(event.target.checked)} />
        Enabled
      </label>
      <fieldset className="flex flex-col gap-0.5 text-sm">
        <legend className="font-medium">Events</legend>
        {notificationEvents.map((type) => (
          <label key={type} className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={events.includes(type)}
              onChange={(event) =>
                onEvents(event.target.checked ? [...events, type] : events.filter((entry) => entry !== type))
              }
            />
            <span className="font-mono text-xs">{type}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}

const secretHint = (configured: boolean) => (configured ? 'stored — leave empty to keep' : '');

function SlackForm({
  current,
  pending,
  onSave,
}: {
  current: NotificationSettings['slack'];
  pending: boolean;
  onSave: (slack: NotificationSettingsBody['slack']) => void;
}) {
  const [mode, setMode] = useState<'webhook' | 'bot'>(current?.mode ?? 'webhook');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [botToken, setBotToken] = useState('');
  const [channel, setChannel] = useState(current?.channel ?? '');
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [events, setEvents] = useState<NotificationEvent[]>(current?.events ?? [...notificationEvents]);
  const chosenEvents = events.length > 0 ? events : undefined;
  return (
    <ChannelCard
      title="Slack"
      configured={current !== null}
      pending={pending}
      onRemove={() => onSave(null)}
      onSubmit={() =>
        onSave(
          mode === 'webhook'
            ? { mode, webhookUrl: webhookUrl || undefined, enabled, events: chosenEvents }
            : { mode, botToken: botToken || undefined, channel, enabled, events: chosenEvents },
        )
      }
    >
      <Field label="Mode">
        {(id) => (
          <select
            id={id}
            className="field"
            value={mode}
            onChange={(event) => setMode(event.target.value as typeof mode)}
          >
            <option value="webhook">Incoming webhook</option>
            <option value="bot">Bot token and channel</option>
          </select>
        )}
      </Field>
      {mode === 'webhook' ? (
        <Field label="Webhook URL">
          {(id) => (
            <input
              id={id}
              className="field font-mono"
              type="password"
              autoComplete="off"
              value={webhookUrl}
              required={!current?.webhookUrlConfigured}
              placeholder={secretHint(current?.webhookUrlConfigured ?? false)}
              onChange={(event) => setWebhookUrl(event.target.value)}
            />
          )}
        </Field>
      ) : (
        <>
          <Field label="Bot token">
            {(id) => (
              <input
                id={id}
                className="field font-mono"
                type="password"
                autoComplete="off"
                value={botToken}
                required={!current?.botTokenConfigured}
                placeholder={secretHint(current?.botTokenConfigured ?? false) || 'xoxb-…'}
                onChange={(event) => setBotToken(event.target.value)}
              />
            )}
          </Field>
          <Field label="Channel">
            {(id) => (
              <input
                id={id}
                className="field"
                required
                value={channel}
                placeholder="#incidents"
                onChange={(event) => setChannel(event.target.value)}
              />
            )}
          </Field>
        </>
      )}
      <CommonFields enabled={enabled} events={events} onEnabled={setEnabled} onEvents={setEvents} />
    </ChannelCard>
  );
}

function EmailForm({
  current,
  pending,
  onSave,
}: {
  current: NotificationSettings['email'];
  pending: boolean;
  onSave: (email: NotificationSettingsBody['email']) => void;
}) {
  const [host, setHost] = useState(current?.host ?? '');
  const [port, setPort] = useState(current?.port ? String(current.port) : '');
  const [security, setSecurity] = useState<'tls' | 'starttls' | 'none'>(current?.security ?? 'starttls');
  const [user, setUser] = useState(current?.user ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(current?.from ?? '');
  const [to, setTo] = useState(current?.to.join(', ') ?? '');
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [events, setEvents] = useState<NotificationEvent[]>(current?.events ?? [...notificationEvents]);
  return (
    <ChannelCard
      title="E-mail"
      configured={current !== null}
      pending={pending}
      onRemove={() => onSave(null)}
      onSubmit={() =>
        onSave({
          host: host.trim(),
          port: port ? Number(port) : undefined,
          security,
          user: user.trim() || null,
          ...(password ? { password } : {}),
          from: from.trim(),
          to: to
            .split(/[\s,;]+/)
            .map((address) => address.trim())
            .filter(Boolean),
          enabled,
          events: events.length > 0 ? events : undefined,
        })
      }
    >
      <div className="grid grid-cols-[minmax(0,1fr)_6rem] gap-2">
        <Field label="SMTP host">
          {(id) => (
            <input id={id} className="field" required value={host} onChange={(event) => setHost(event.target.value)} />
          )}
        </Field>
        <Field label="Port">
          {(id) => (
            <input
              id={id}
              className="field"
              type="number"
              min={1}
              max={65535}
              value={port}
              placeholder="auto"
              onChange={(event) => setPort(event.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label="Security">
        {(id) => (
          <select
            id={id}
            className="field"
            value={security}
            onChange={(event) => setSecurity(event.target.value as typeof security)}
          >
            <option value="starttls">STARTTLS (required)</option>
            <option value="tls">TLS</option>
            <option value="none">None (local relay only)</option>
          </select>
        )}
      </Field>
      <Field label="User (optional)">
        {(id) => (
          <input
            id={id}
            className="field"
            value={user}
            autoComplete="off"
            onChange={(event) => setUser(event.target.value)}
          />
        )}
      </Field>
      <Field label="Password">
        {(id) => (
          <input
            id={id}
            className="field"
            type="password"
            autoComplete="off"
            value={password}
            placeholder={secretHint(current?.passwordConfigured ?? false)}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </Field>
      <Field label="From">
        {(id) => (
          <input
            id={id}
            className="field"
            type="email"
            required
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        )}
      </Field>
      <Field label="To (comma-separated)">
        {(id) => (
          <input id={id} className="field" required value={to} onChange={(event) => setTo(event.target.value)} />
        )}
      </Field>
      <CommonFields enabled={enabled} events={events} onEnabled={setEnabled} onEvents={setEvents} />
    </ChannelCard>
  );
}

function WebhookForm({
  current,
  pending,
  onSave,
}: {
  current: NotificationSettings['webhook'];
  pending: boolean;
  onSave: (webhook: NotificationSettingsBody['webhook']) => void;
}) {
  const [url, setUrl] = useState(current?.url ?? '');
  const [rotateSecret, setRotateSecret] = useState(false);
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [events, setEvents] = useState<NotificationEvent[]>(current?.events ?? [...notificationEvents]);
  return (
    <ChannelCard
      title="Signed webhook"
      configured={current !== null}
      pending={pending}
      onRemove={() => onSave(null)}
      onSubmit={() => {
        onSave({
          url: url.trim(),
          rotateSecret: rotateSecret || undefined,
          enabled,
          events: events.length > 0 ? events : undefined,
        });
        setRotateSecret(false);
      }}
    >
      <Field label="URL">
        {(id) => (
          <input
            id={id}
            className="field"
            type="url"
            required
            value={url}
            placeholder="https://hooks.example.com/aurora"
            onChange={(event) => setUrl(event.target.value)}
          />
        )}
      </Field>
      <p className="muted text-sm">
        {current?.signingSecretConfigured
          ? 'A signing secret is stored. It is never displayed again.'
          : 'A signing secret is created on save and shown once.'}
      </p>
      {current?.signingSecretConfigured ? (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={rotateSecret} onChange={(event) => setRotateSecret(event.target.checked)} />
          Issue a new signing secret
        </label>
      ) : null}
      <CommonFields enabled={enabled} events={events} onEnabled={setEnabled} onEvents={setEvents} />
    </ChannelCard>
  );
}
