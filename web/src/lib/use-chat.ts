import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchChatMessages, useChatRefresh } from '../api/chat';
import type { ChatMode, RunFrame, ServerFrame } from '../api/chat-protocol';
import { sessionKey } from '../api/session';
import { ChatConnection, type ConnectionState } from './chat-connection';
import {
  applyFrame,
  emptyTranscript,
  fromHistory,
  markDecided,
  type Transcript,
  withError,
  withLocalMessage,
} from './chat-transcript';

export interface ChatController {
  transcript: Transcript;
  connection: ConnectionState;
  /** The session's history is loading (first open, or after a reconnect). */
  loading: boolean;
  loadError: unknown;
  /** Sends a message (creating the session first when there is none); false when the socket is down. */
  send: (text: string, mode: ChatMode) => boolean;
  cancel: (runId: string) => void;
  markDecided: (confirmationId: string, decision: 'approve' | 'deny') => void;
}

/**
 * One chat session over the WebSocket. Opening a session (and every reconnect) loads the stored history over
 * HTTP and buffers the frames that arrive meanwhile; a run still in progress is replayed by the server from
 * `run.started`, so its stored parts are left out of the history and rebuilt from the replay.
 */
export function useChat(sessionId: string | undefined, onSessionCreated: (sessionId: string) => void): ChatController {
  const queryClient = useQueryClient();
  const refresh = useChatRefresh();
  const [transcript, setTranscript] = useState<Transcript>(emptyTranscript);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [loading, setLoading] = useState(sessionId !== undefined);
  const [loadError, setLoadError] = useState<unknown>();

  const connectionRef = useRef<ChatConnection | undefined>(undefined);
  const sessionRef = useRef(sessionId);
  /** Runs of the current session: frames of any other run (a session left meanwhile) are ignored. */
  const runsRef = useRef(new Set<string>());
  /** Frames held while the history loads; undefined when frames apply directly. */
  const bufferRef = useRef<RunFrame[] | undefined>(undefined);
  /** A first message waiting for its new session to be created. */
  const pendingRef = useRef<{ text: string; mode: ChatMode } | undefined>(undefined);
  const openSerial = useRef(0);
  const callbacks = useRef({ onSessionCreated, refresh });
  callbacks.current = { onSessionCreated, refresh };

  const openSession = useCallback(() => {
    const id = sessionRef.current;
    if (!id || !connectionRef.current) return;
    bufferRef.current = [];
    setLoading(true);
    setLoadError(undefined);
    connectionRef.current.send({ type: 'session.open', sessionId: id });
  }, []);

  const loadHistory = useCallback(async (id: string, activeRunId: string | undefined) => {
    const serial = ++openSerial.current;
    runsRef.current = new Set(activeRunId ? [activeRunId] : []);
    try {
      const { items } = await fetchChatMessages(id);
      if (serial !== openSerial.current || sessionRef.current !== id) return;
      for (const row of items) if (row.runId) runsRef.current.add(row.runId);
      let next = fromHistory(items, activeRunId);
      for (const frame of bufferRef.current ?? []) {
        if (runsRef.current.has(frame.runId)) next = applyFrame(next, frame);
      }
      bufferRef.current = undefined;
      setTranscript(next);
      setLoading(false);
    } catch (error) {
      if (serial !== openSerial.current) return;
      bufferRef.current = undefined;
      setLoadError(error);
      setLoading(false);
    }
  }, []);

  const onFrame = useCallback(
    (frame: ServerFrame) => {
      switch (frame.type) {
        case 'session.opened': {
          const pending = pendingRef.current;
          if (pending && sessionRef.current === undefined) {
            // The session we asked for is created: send the message that was waiting for it.
            pendingRef.current = undefined;
            sessionRef.current = frame.sessionId;
            runsRef.current = new Set();
            bufferRef.current = undefined;
            connectionRef.current?.send({
              type: 'message.send',
              sessionId: frame.sessionId,
              text: pending.text,
              mode: pending.mode,
            });
            callbacks.current.onSessionCreated(frame.sessionId);
            return;
          }
          if (frame.sessionId === sessionRef.current) void loadHistory(frame.sessionId, frame.activeRunId);
          return;
        }
        case 'error':
          if (frame.code === 'not_found' && bufferRef.current) {
            bufferRef.current = undefined;
            setLoading(false);
            setLoadError(new Error(frame.message));
            return;
          }
          setTranscript((current) => withError(current, frame.message));
          return;
        default: {
          if (frame.type === 'run.started') {
            if (frame.sessionId !== sessionRef.current) return;
            runsRef.current.add(frame.runId);
          } else if (!runsRef.current.has(frame.runId)) {
            return;
          }
          if (bufferRef.current) bufferRef.current.push(frame);
          else setTranscript((current) => applyFrame(current, frame));
          if (frame.type === 'usage') void callbacks.current.refresh.usage();
          if (frame.type === 'run.finished' || frame.type === 'run.started') void callbacks.current.refresh.sessions();
        }
      }
    },
    [loadHistory],
  );

  useEffect(() => {
    const chat = new ChatConnection({
      onFrame,
      onState: setConnection,
      onOpen: () => {
        if (sessionRef.current) openSession();
        else if (pendingRef.current) chat.send({ type: 'session.open' });
      },
      onUnauthorized: () => void queryClient.invalidateQueries({ queryKey: sessionKey }),
    });
    connectionRef.current = chat;
    chat.start();
    return () => {
      chat.stop();
      connectionRef.current = undefined;
    };
  }, [onFrame, openSession, queryClient]);

  // Another session chosen in the list (or "new chat"): start over with it.
  useEffect(() => {
    if (sessionId === sessionRef.current) return;
    sessionRef.current = sessionId;
    pendingRef.current = undefined;
    runsRef.current = new Set();
    bufferRef.current = undefined;
    openSerial.current++;
    setTranscript(emptyTranscript);
    setLoadError(undefined);
    setLoading(sessionId !== undefined);
    if (sessionId && connectionRef.current?.isOpen) openSession();
  }, [sessionId, openSession]);

  const send = useCallback((text: string, mode: ChatMode) => {
    const chat = connectionRef.current;
    if (!chat?.isOpen) return false;
    const id = sessionRef.current;
    if (id) {
      chat.send({ type: 'message.send', sessionId: id, text, mode });
    } else {
      pendingRef.current = { text, mode };
      chat.send({ type: 'session.open' });
    }
    setTranscript((current) => withLocalMessage(current, text));
    return true;
  }, []);

  const cancel = useCallback((runId: string) => {
    connectionRef.current?.send({ type: 'run.cancel', runId });
  }, []);

  const decided = useCallback((confirmationId: string, decision: 'approve' | 'deny') => {
    setTranscript((current) => markDecided(current, confirmationId, decision));
  }, []);

  return { transcript, connection, loading, loadError, send, cancel, markDecided: decided };
}
