export { registerChatRoutes } from './chat.routes.js';
export { type ChatMessageView, type ChatOptions, ChatService, type ChatSessionView } from './chat.service.js';
export { maxFrameBytes, registerChatWebSocket, unauthenticatedCloseCode } from './chat.websocket.js';
export type { ClientFrame, RunFrame, ServerFrame } from './chat-frames.js';
export {
  ConversationMemory,
  type ConversationMemoryInput,
  maskCredentials,
  type SweepResult as ConversationMemorySweep,
} from './conversation-memory.js';
export { WebSocketTickets } from './ws-tickets.js';
