// Customer conversations: the public surface for the composition root.
export { ConversationService, type ConversationServiceDeps, type ConversationTick, type ReplyFrom, type ReplyResult } from './service.ts';
export { normalizeReply, parseReply, choicesOf, type ParsedReply } from './parse.ts';
export { describeOutcome, formatTranscript, handoffSummary } from './texts.ts';
export { createWechatyChat, routeWechatyReplies } from './wechaty-chat.ts';
export * from './types.ts';
export * from './wiring.ts';
