import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageModelOverride } from '../../src/platform/llm/llm-models.js';

/** One part of a scripted model turn. */
export type ScriptedPart =
  | { text: string | string[] }
  | { toolCall: { name: string; input: unknown; id?: string } }
  | { error: Error };

/** One model call: its parts, or a function of the call (to answer based on the prompt). */
export type ScriptedTurn = ScriptedPart[] | ((call: LanguageModelV3CallOptions, index: number) => ScriptedPart[]);

export interface ScriptedModelOptions {
  /** Delay before each streamed chunk (tokens at a fixed rate). */
  chunkDelayMs?: number;
  /** Token counts reported per call. */
  usage?: { inputTokens: number; outputTokens: number };
  /** What a call beyond the script answers; default: an error, so a test that calls too often fails. */
  fallback?: ScriptedPart[];
  modelId?: string;
}

/** Splits text into word-ish tokens that keep their spaces, so deltas join back to the text. */
export function tokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

function usageOf(options: ScriptedModelOptions) {
  const usage = options.usage ?? { inputTokens: 10, outputTokens: 5 };
  return {
    inputTokens: { total: usage.inputTokens, noCache: usage.inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: usage.outputTokens, text: usage.outputTokens, reasoning: 0 },
  };
}

function toChunks(
  parts: ScriptedPart[],
  options: ScriptedModelOptions,
  callIndex: number,
): LanguageModelV3StreamPart[] {
  const chunks: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  let toolCalls = 0;
  parts.forEach((part, partIndex) => {
    if ('text' in part) {
      const id = `text-${callIndex}-${partIndex}`;
      chunks.push({ type: 'text-start', id });
      for (const delta of Array.isArray(part.text) ? part.text : tokens(part.text))
        chunks.push({ type: 'text-delta', id, delta });
      chunks.push({ type: 'text-end', id });
    } else if ('toolCall' in part) {
      toolCalls++;
      chunks.push({
        type: 'tool-call',
        toolCallId: part.toolCall.id ?? `call-${callIndex}-${partIndex}`,
        toolName: part.toolCall.name,
        input: typeof part.toolCall.input === 'string' ? part.toolCall.input : JSON.stringify(part.toolCall.input),
      });
    } else {
      chunks.push({ type: 'error', error: part.error });
    }
  });
  chunks.push({
    type: 'finish',
    finishReason: { unified: toolCalls > 0 ? 'tool-calls' : 'stop', raw: undefined },
    usage: usageOf(options),
  });
  return chunks;
}

/** A stream that emits `chunks` with a delay each and stops (errors) when the call is aborted, like a real HTTP body. */
function streamOf(
  chunks: LanguageModelV3StreamPart[],
  delayMs: number,
  signal?: AbortSignal,
): ReadableStream<LanguageModelV3StreamPart> {
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  return new ReadableStream<LanguageModelV3StreamPart>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        const emit = () => {
          if (signal?.aborted) {
            controller.error(signal.reason ?? new Error('aborted'));
            return resolve();
          }
          const chunk = chunks[index++];
          if (chunk) controller.enqueue(chunk);
          if (index >= chunks.length) controller.close();
          resolve();
        };
        if (delayMs > 0) timer = setTimeout(emit, delayMs);
        else emit();
      });
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

/** The text of every message in a prompt, flattened (to assert what the model was shown). */
export function promptText(prompt: LanguageModelV3Prompt): string {
  return prompt
    .map((message) =>
      typeof message.content === 'string'
        ? `${message.role}: ${message.content}`
        : message.content
            .map((part) => {
              if (part.type === 'text') return `${message.role}: ${part.text}`;
              if (part.type === 'tool-call')
                return `${message.role} tool-call ${part.toolName} ${JSON.stringify(part.input)}`;
              if (part.type === 'tool-result')
                return `${message.role} tool-result ${part.toolName} ${JSON.stringify(part.output)}`;
              return `${message.role}: [${part.type}]`;
            })
            .join('\n'),
    )
    .join('\n');
}

/**
 * A scripted language model (the AI SDK's MockLanguageModelV3) that streams each turn's text token by token
 * at a fixed rate, then its tool calls. Drives the agent in tests and benchmarks; `calls` records every prompt.
 */
export class ScriptedModel {
  readonly model: MockLanguageModelV3;
  readonly calls: LanguageModelV3CallOptions[] = [];

  constructor(
    private readonly turns: ScriptedTurn[],
    private readonly options: ScriptedModelOptions = {},
  ) {
    this.model = new MockLanguageModelV3({
      provider: 'scripted',
      modelId: options.modelId ?? 'scripted-model',
      doStream: async (call) => {
        const index = this.calls.push(call) - 1;
        const parts = this.partsFor(call, index);
        return {
          stream: streamOf(toChunks(parts, this.options, index), this.options.chunkDelayMs ?? 0, call.abortSignal),
        };
      },
      doGenerate: async (call): Promise<LanguageModelV3GenerateResult> => {
        const index = this.calls.push(call) - 1;
        const parts = this.partsFor(call, index);
        const text = parts.map((part) => ('text' in part ? [part.text].flat().join('') : '')).join('');
        return {
          content: [{ type: 'text', text }],
          finishReason: { unified: 'stop', raw: undefined },
          usage: usageOf(this.options),
          warnings: [],
        };
      },
    });
  }

  /** The flattened prompt of call `index`. */
  prompt(index: number): string {
    const call = this.calls[index];
    if (!call) throw new Error(`the model was called ${this.calls.length} times, not ${index + 1}`);
    return promptText(call.prompt);
  }

  private partsFor(call: LanguageModelV3CallOptions, index: number): ScriptedPart[] {
    const turn = this.turns[index];
    if (turn === undefined) {
      if (this.options.fallback) return this.options.fallback;
      return [{ error: new Error(`the scripted model has no turn ${index + 1}`) }];
    }
    return typeof turn === 'function' ? turn(call, index) : turn;
  }
}

/**
 * A model override that serves the current script to chat (and chat's history summaries) but not to background
 * investigations (the `rca` role): an incident a test creates is investigated by the worker, which would otherwise
 * use up the script's turns.
 */
export function chatModel(current: () => ScriptedModel | undefined): LanguageModelOverride {
  return ({ role }) => (role === 'rca' ? undefined : current()?.model);
}
