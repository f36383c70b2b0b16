import { type ClientFrame, closeCodes, parseServerFrame, type ServerFrame } from '../api/chat-protocol';
import { api, isProblem, unwrap } from '../api/client';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChatConnectionHandlers {
  onFrame: (frame: ServerFrame) => void;
  onState: (state: ConnectionState) => void;
  /** Every time a socket opens (the first time and after each reconnect): re-open the session here. */
  onOpen: () => void;
  /** The ticket was refused with 401: the sign-in ended. */
  onUnauthorized: () => void;
}

const maxBackoffMs = 10_000;

/**
 * The chat WebSocket with reconnects: each attempt gets a new single-use ticket (`POST /api/v1/ws-ticket`),
 * then `onOpen` re-opens the session so a run still in progress is replayed and followed. Backoff doubles
 * from 500 ms to 10 s with jitter, and a browser coming back online retries at once.
 */
export class ChatConnection {
  private socket: WebSocket | undefined;
  private attempts = 0;
  private retryTimer: number | undefined;
  private stopped = false;
  /** A ticket request is in flight. */
  private requesting = false;
  private readonly retryNow = () => {
    if (this.socket === undefined && !this.requesting && !this.stopped) {
      window.clearTimeout(this.retryTimer);
      void this.connect();
    }
  };

  constructor(private readonly handlers: ChatConnectionHandlers) {}

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.retryNow);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.retryNow);
    window.clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'page closed');
    this.handlers.onState('closed');
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open; false otherwise (the caller keeps its input). */
  send(frame: ClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private async connect(): Promise<void> {
    this.handlers.onState(this.attempts === 0 ? 'connecting' : 'reconnecting');
    let ticket: string;
    this.requesting = true;
    try {
      ticket = (await unwrap(api.POST('/api/v1/ws-ticket'))).ticket;
    } catch (error) {
      if (isProblem(error, 401)) this.handlers.onUnauthorized();
      this.scheduleRetry();
      return;
    } finally {
      this.requesting = false;
    }
    if (this.stopped) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws?ticket=${encodeURIComponent(ticket)}`);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempts = 0;
      this.handlers.onState('open');
      this.handlers.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const frame = parseServerFrame(event.data);
      if (frame) this.handlers.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      // 4401 with a fresh ticket means the session behind it is gone; the next ticket request will say so.
      if (event.code === closeCodes.unauthenticated) this.attempts = Math.max(this.attempts, 3);
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.attempts++;
    this.handlers.onState('reconnecting');
    const base = Math.min(maxBackoffMs, 500 * 2 ** (this.attempts - 1));
    this.retryTimer = window.setTimeout(() => void this.connect(), base / 2 + Math.random() * (base / 2));
  }
}
