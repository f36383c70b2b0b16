import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { NavLink, useNavigate, useParams } from 'react-router';
import { formatCost, formatTokens, useChatSessions, useDecideApproval, useLlmSettings, useUsage } from '../api/chat';
import type { ChatMode } from '../api/chat-protocol';
import { isProblem } from '../api/client';
import { hasRole, useSession } from '../api/session';
import { ApprovalDialog } from '../components/approval-dialog';
import { Markdown } from '../components/markdown';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading } from '../components/states';
import { ToolCallCard } from '../components/tool-call-card';
import type { ConnectionState } from '../lib/chat-connection';
import { pendingApprovals, type Transcript } from '../lib/chat-transcript';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';
import { useChat } from '../lib/use-chat';

const modeStorageKey = 'aurora-chat-mode';

function storedMode(canUseAgent: boolean): ChatMode {
  try {
    return canUseAgent && window.localStorage.getItem(modeStorageKey) === 'agent' ? 'agent' : 'ask';
  } catch {
    return 'ask';
  }
}

export function ChatPage() {
  const { sessionId } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const canUseAgent = hasRole(session, 'editor');
  const onSessionCreated = useCallback((id: string) => navigate(`/chat/${id}`, { replace: true }), [navigate]);
  const chat = useChat(sessionId, onSessionCreated);
  const [mode, setMode] = useState<ChatMode>(() => storedMode(canUseAgent));
  const changeMode = (next: ChatMode) => {
    setMode(next);
    try {
      window.localStorage.setItem(modeStorageKey, next);
    } catch {
      // Private mode: the choice lasts for this page.
    }
  };

  return (
    <div className="grid gap-4 md:h-[calc(100vh-5.5rem)] md:grid-cols-[16rem_minmax(0,1fr)]">
      <SessionList activeId={sessionId} />
      <section aria-labelledby="chat-title" className="flex min-h-0 min-w-0 flex-col gap-2">
        <ChatHeader sessionId={sessionId} transcript={chat.transcript} connection={chat.connection} />
        <Conversation chat={chat} sessionId={sessionId} canDecide={canUseAgent} />
        <Composer
          connection={chat.connection}
          running={chat.transcript.activeRunId !== undefined}
          mode={mode}
          canUseAgent={canUseAgent}
          onModeChange={changeMode}
          onSend={(text) => chat.send(text, mode)}
          onCancel={() => chat.transcript.activeRunId && chat.cancel(chat.transcript.activeRunId)}
        />
      </section>
    </div>
  );
}

function SessionList({ activeId }: { activeId: string | undefined }) {
  const sessions = useChatSessions();
  // Sessions touched after the clock last ticked read as "now", not "in 3 s".
  const now = useNow();
  const items = sessions.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <nav aria-label="Chat sessions" className="flex min-h-0 flex-col gap-2">
      <NavLink to="/chat" end className="button-primary justify-center">
        New chat
      </NavLink>
      {sessions.isPending ? <Loading label="Loading sessions…" /> : null}
      {sessions.isError ? <ProblemMessage error={sessions.error} /> : null}
      {sessions.isSuccess && items.length === 0 ? <p className="muted px-1 text-sm">No conversations yet.</p> : null}
      <ul className="flex min-h-0 flex-col gap-0.5 overflow-y-auto" data-testid="chat-sessions">
        {items.map((item) => (
          <li key={item.id}>
            <NavLink
              to={`/chat/${item.id}`}
              aria-current={item.id === activeId ? 'page' : undefined}
              className={`block rounded px-2 py-1 text-sm ${item.id === activeId ? 'bg-zinc-200 font-medium dark:bg-zinc-800' : 'hover:bg-zinc-100 dark:hover:bg-zinc-900'}`}
            >
              <span className="block truncate">{item.title ?? 'Untitled conversation'}</span>
              <span className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
                {item.activeRunId ? (
                  <span className="font-medium text-sky-700 dark:text-sky-400">answering… · </span>
                ) : null}
                <time dateTime={item.updatedAt} title={formatAbsolute(item.updatedAt)}>
                  {formatRelative(item.updatedAt, Math.max(now, new Date(item.updatedAt).getTime()))}
                </time>
              </span>
            </NavLink>
          </li>
        ))}
      </ul>
      {sessions.hasNextPage ? (
        <button
          type="button"
          className="button justify-center"
          disabled={sessions.isFetchingNextPage}
          onClick={() => sessions.fetchNextPage()}
        >
          {sessions.isFetchingNextPage ? 'Loading…' : 'Older conversations'}
        </button>
      ) : null}
    </nav>
  );
}

const connectionLabels: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

function ChatHeader({
  sessionId,
  transcript,
  connection,
}: {
  sessionId: string | undefined;
  transcript: Transcript;
  connection: ConnectionState;
}) {
  const sessions = useChatSessions();
  const usage = useUsage(30);
  const session = useSession();
  const { query: llmSettings } = useLlmSettings();
  const title = sessionId
    ? (sessions.data?.pages.flatMap((page) => page.items).find((item) => item.id === sessionId)?.title ??
      'Conversation')
    : 'New chat';
  const sessionUsage = sessionId ? usage.data?.bySession.find((entry) => entry.sessionId === sessionId) : undefined;
  const configured = llmSettings.data?.model
    ? { provider: llmSettings.data.provider ?? '', model: llmSettings.data.model }
    : undefined;
  const model = transcript.model ?? configured;
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 pb-2 dark:border-zinc-800">
      <h1 id="chat-title" className="min-w-0 truncate text-lg font-semibold">
        {title}
      </h1>
      <span className="muted flex items-center gap-1.5 text-xs" data-testid="chat-connection">
        <span
          aria-hidden
          className={`inline-block size-2 rounded-full ${connection === 'open' ? 'bg-emerald-500' : 'animate-pulse bg-amber-500'}`}
        />
        {connectionLabels[connection]}
      </span>
      <dl className="ml-auto flex flex-wrap items-center gap-x-4 text-xs">
        <div className="flex gap-1">
          <dt className="muted">Model</dt>
          <dd className="font-mono" data-testid="chat-model">
            {model
              ? `${model.provider ? `${model.provider}/` : ''}${model.model}`
              : hasRole(session, 'admin')
                ? 'not configured'
                : 'set by an admin'}
          </dd>
        </div>
        {sessionId ? (
          <div className="flex gap-1" title="This conversation, last 30 days">
            <dt className="muted">Usage</dt>
            <dd data-testid="chat-usage">
              {sessionUsage
                ? `${formatTokens(sessionUsage.inputTokens)} in · ${formatTokens(sessionUsage.outputTokens)} out · ${formatCost(sessionUsage.costUsd)}`
                : '—'}
            </dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}

function Conversation({
  chat,
  sessionId,
  canDecide,
}: {
  chat: ReturnType<typeof useChat>;
  sessionId: string | undefined;
  canDecide: boolean;
}) {
  const { transcript } = chat;
  const bottom = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const decide = useDecideApproval();
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [reviewing, setReviewing] = useState<string>();
  const pending = useMemo(() => pendingApprovals(transcript), [transcript]);
  const current =
    pending.find((approval) => approval.confirmationId === reviewing) ??
    pending.find((approval) => !dismissed.has(approval.confirmationId));

  // Follow the answer as it streams, unless the user scrolled up to read.
  const lastItem = transcript.items.at(-1);
  const streamedLength = lastItem?.kind === 'text' ? lastItem.text.length : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every new item or streamed text
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (element.scrollHeight - element.scrollTop - element.clientHeight < 160) {
      bottom.current?.scrollIntoView({ block: 'end' });
    }
  }, [transcript.items.length, streamedLength]);

  const finishedStatus = lastItem?.runId ? transcript.runs[lastItem.runId]?.status : undefined;

  return (
    <>
      <div ref={scroller} className="min-h-48 flex-1 overflow-y-auto pr-1" data-testid="conversation">
        {chat.loading ? <Loading label="Loading the conversation…" /> : null}
        {chat.loadError ? <ProblemMessage error={chat.loadError} /> : null}
        {!chat.loading && !chat.loadError && transcript.items.length === 0 ? (
          <Empty title={sessionId ? 'Nothing here yet' : 'Ask Aurora about your systems'}>
            In <strong>ask</strong> mode Aurora only reads (incidents, metrics, logs, connected providers). In{' '}
            <strong>agent</strong> mode it may also propose changes, each of which waits for your approval.
          </Empty>
        ) : null}
        <ol className="flex flex-col gap-3">
          {transcript.items.map((item) => {
            if (item.kind === 'user') {
              return (
                <li key={item.id} className="flex justify-end" data-testid="user-message">
                  <p className="max-w-[80%] rounded-lg bg-amber-100 px-3 py-2 whitespace-pre-wrap text-zinc-950 dark:bg-amber-500/20 dark:text-zinc-50">
                    {item.text}
                  </p>
                </li>
              );
            }
            if (item.kind === 'text') {
              return (
                <li
                  key={item.id}
                  className="max-w-[92%]"
                  data-testid="assistant-message"
                  data-status={item.status}
                  aria-busy={item.status === 'streaming'}
                >
                  <Markdown text={item.text} />
                  {item.status === 'cancelled' || item.status === 'failed' ? (
                    <p className="muted mt-1 text-xs italic">
                      Answer {item.status === 'cancelled' ? 'cancelled' : 'cut short'}.
                    </p>
                  ) : null}
                </li>
              );
            }
            if (item.kind === 'tool') {
              return (
                <li key={item.id} className="max-w-[92%]">
                  <ToolCallCard
                    card={item}
                    onReview={
                      item.approval
                        ? () => {
                            setReviewing(item.approval?.confirmationId);
                            decide.reset();
                          }
                        : undefined
                    }
                  />
                </li>
              );
            }
            return (
              <li key={item.id} role="alert" data-testid="chat-error">
                <p className="rounded border border-red-300 bg-red-50 px-3 py-1.5 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100">
                  {item.text}
                </p>
              </li>
            );
          })}
        </ol>
        <div ref={bottom} />
      </div>
      <p className="sr-only" role="status">
        {transcript.activeRunId ? 'Aurora is answering' : finishedStatus ? `Answer ${finishedStatus}` : ''}
      </p>
      <ApprovalDialog
        approval={current}
        open={current !== undefined}
        onOpenChange={(open) => {
          if (!open && current) {
            setDismissed((previous) => new Set(previous).add(current.confirmationId));
            setReviewing(undefined);
          }
        }}
        canDecide={canDecide}
        pending={decide.isPending}
        error={decide.isError ? <ProblemMessage error={decide.error} /> : null}
        onDecide={(decision) => {
          if (!current) return;
          decide.mutate(
            { approvalId: current.confirmationId, decision },
            {
              onSuccess: () => {
                chat.markDecided(current.confirmationId, decision);
                setReviewing(undefined);
              },
              // Decided elsewhere meanwhile (another tab, the inbox): the run's frames will say how.
              onError: (error) => {
                if (isProblem(error, 409)) chat.markDecided(current.confirmationId, decision);
              },
            },
          );
        }}
      />
    </>
  );
}

function Composer({
  connection,
  running,
  mode,
  canUseAgent,
  onModeChange,
  onSend,
  onCancel,
}: {
  connection: ConnectionState;
  running: boolean;
  mode: ChatMode;
  canUseAgent: boolean;
  onModeChange: (mode: ChatMode) => void;
  onSend: (text: string) => boolean;
  onCancel: () => void;
}) {
  const [text, setText] = useState('');
  const connected = connection === 'open';
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const message = text.trim();
    if (!message || running || !connected) return;
    if (onSend(message)) setText('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form onSubmit={submit} className="panel flex flex-col gap-2 p-2" aria-label="Send a message">
      <label htmlFor="chat-message" className="sr-only">
        Message
      </label>
      <textarea
        id="chat-message"
        className="field min-h-16 resize-y"
        rows={3}
        maxLength={100_000}
        placeholder="Ask about an incident, a service, a metric… (Enter sends, Shift+Enter adds a line)"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="flex flex-wrap items-center gap-3">
        <fieldset className="flex items-center gap-1 text-sm">
          <legend className="sr-only">Mode</legend>
          {(['ask', 'agent'] as const).map((value) => (
            <label
              key={value}
              className={`flex cursor-pointer items-center gap-1 rounded border px-2 py-0.5 ${mode === value ? 'border-amber-500 bg-amber-50 dark:bg-amber-500/15' : 'border-zinc-300 dark:border-zinc-700'} ${value === 'agent' && !canUseAgent ? 'cursor-not-allowed opacity-50' : ''}`}
              title={
                value === 'ask'
                  ? 'Read-only tools'
                  : canUseAgent
                    ? 'May propose changes; each waits for approval'
                    : 'Agent mode needs the editor role'
              }
            >
              <input
                type="radio"
                name="chat-mode"
                value={value}
                checked={mode === value}
                disabled={value === 'agent' && !canUseAgent}
                onChange={() => onModeChange(value)}
              />
              {value === 'ask' ? 'Ask' : 'Agent'}
            </label>
          ))}
        </fieldset>
        <div className="ml-auto flex items-center gap-2">
          {running ? (
            <button type="button" className="button" onClick={onCancel} disabled={!connected}>
              Cancel
            </button>
          ) : null}
          <button type="submit" className="button-primary" disabled={!connected || running || !text.trim()}>
            {running ? 'Answering…' : 'Send'}
          </button>
        </div>
      </div>
    </form>
  );
}
