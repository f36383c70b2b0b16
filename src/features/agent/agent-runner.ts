import { randomUUID } from 'node:crypto';
import type { ModelMessage, StopCondition, ToolSet } from 'ai';
import type { Database } from '../../platform/database/database.js';
import { type LlmModels, LlmNotConfigured, type ModelRole } from '../../platform/llm/llm-models.js';
import type { UsageLedger } from '../../platform/llm/usage-ledger.js';
import type { Logger } from '../../platform/logger/logger.js';
import { type Principal, roleAtLeast } from '../accounts/index.js';
import { AgentRepository, type ApprovalRow } from './agent.repository.js';
import type { ToolCallStatus } from './agent.schema.js';
import type { ApprovalsService } from './approvals.service.js';
import type { ConnectedProviders } from './connected-providers.js';
import { ProcessStopping } from './process-stopping.js';
import { nextTurn, RunFailed } from './run-failed.js';
import { buildSystemPrompt } from './system-prompt.js';
import { capOutput, outputText, wrapToolOutput } from './tool-output.js';
import {
  type AgentMode,
  type AnyToolDefinition,
  defaultOutputCapChars,
  defaultToolTimeoutMs,
  type ToolContext,
  type ToolRegistry,
} from './tool-registry.js';

/** What a run reports as it goes; the chat turns these into WebSocket frames, investigations into a timeline. */
export type AgentEvent =
  | { type: 'text.delta'; delta: string }
  | { type: 'tool.started'; callId: string; tool: string; input: unknown }
  | { type: 'tool.finished'; callId: string; tool: string; status: ToolCallStatus; output: string }
  | {
      type: 'confirmation.requested';
      confirmationId: string;
      tool: string;
      input: unknown;
      summary: string;
      expiresAt: string;
    }
  | {
      type: 'usage';
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
      /** The model that answered, when one was resolved (the UI shows the model in use). */
      provider?: string;
      model?: string;
    };

export interface AgentRunOptions {
  orgId: string;
  /** The user the run acts for; absent for background runs (their approvals wait for a human through the API). */
  principal?: Principal;
  sessionId?: string;
  /** Chosen by the caller when it must announce the run before it starts. */
  runId?: string;
  /** What started it, e.g. `chat` or `investigation`. */
  kind?: string;
  mode: AgentMode;
  role: ModelRole;
  messages: ModelMessage[];
  /** Extra instructions for the system prompt (an investigation's brief). */
  instructions?: string;
  /** A summary of earlier conversation turns that are no longer in `messages` (history compaction). */
  conversationSummary?: string;
  /** The tools to offer; default: the registry's selection for the org, mode and connected providers. */
  tools?: AnyToolDefinition[];
  budgets: { maxSteps: number; maxTokens: number };
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export interface AgentRunResult {
  runId: string;
  status: 'completed' | 'cancelled' | 'failed';
  /** Everything the model wrote, across steps. */
  text: string;
  error?: { code: string; message: string };
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  steps: number;
}

/** Who a person is in an org right now: an approved call runs as its approver, with their current role. */
export interface MemberDirectory {
  memberPrincipal(orgId: string, userId: string): Promise<Principal | undefined>;
}

export interface AgentRunnerDependencies {
  database: Database;
  members: MemberDirectory;
  models: LlmModels;
  usage: UsageLedger;
  registry: ToolRegistry;
  approvals: ApprovalsService;
  providers: ConnectedProviders;
  logger: Logger;
  /** How long the excerpt of each tool call's output kept in the database is. */
  storedExcerptChars?: number;
}

const heartbeatIntervalMs = 20_000;
/** A running run whose heartbeat is older than this belongs to a process that stopped. */
export const staleRunMs = 90_000;

class ToolTimeout extends Error {}

/**
 * The agent loop: a model (per role) streams text and calls typed tools, within step and token budgets,
 * until it answers. Mutating calls wait for a durable approval. Reused by chat and background investigations.
 */
export class AgentRunner {
  private readonly repository = new AgentRepository();
  private readonly active = new Set<string>();
  private heartbeat?: NodeJS.Timeout;
  private sdk?: Promise<typeof import('ai')>;
  /** The AI SDK schema of each tool input, made once: it converts zod to JSON Schema on first use and keeps it. */
  private readonly inputSchemas = new WeakMap<object, unknown>();

  constructor(private readonly dependencies: AgentRunnerDependencies) {
    dependencies.approvals.setOrphanExecutor((approval, approver) => this.runOrphanedCall(approval, approver));
  }

  /** Runs left `running` with a heartbeat older than `staleBefore` become `interrupted`. */
  async interruptStaleRuns(staleBefore = new Date(Date.now() - staleRunMs)): Promise<number> {
    return this.repository.interruptStaleRuns(this.dependencies.database, staleBefore);
  }

  /**
   * At start-up: embedded, the data-dir lock proves every `running` run belonged to a dead process; on
   * PostgreSQL other processes may be alive, so only runs whose heartbeat stopped are interrupted.
   */
  async recoverInterruptedRuns(): Promise<number> {
    const { database, logger } = this.dependencies;
    const interrupted = await this.interruptStaleRuns(
      database.kind === 'pglite' ? new Date(Date.now() + 1_000) : new Date(Date.now() - staleRunMs),
    );
    if (interrupted > 0) logger.info({ interrupted }, 'agent runs left by a stopped process marked interrupted');
    return interrupted;
  }

  async run(options: AgentRunOptions): Promise<AgentRunResult> {
    const { database, models, registry, providers, logger } = this.dependencies;
    const runId = options.runId ?? randomUUID();
    const log = logger.child({ runId, orgId: options.orgId });
    const emit = (event: AgentEvent) => {
      try {
        options.onEvent?.(event);
      } catch (error) {
        log.warn({ err: error }, 'an agent event listener failed');
      }
    };
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    // The run row is written while the model is called, not before (it is not needed until a tool runs or the
    // run ends). If it cannot be stored the run stops as failed: nothing may act under a run nobody can see.
    let runStored: Promise<boolean> | undefined;
    const storeRun = () => {
      runStored ??= nextTurn(() =>
        this.repository.insertRun(database, options.orgId, {
          id: runId,
          userId: options.principal?.userId,
          sessionId: options.sessionId,
          kind: options.kind ?? 'chat',
          mode: options.mode,
        }),
      ).then(
        () => {
          this.track(runId);
          return true;
        },
        (error: unknown) => {
          log.error({ err: error }, 'could not store the agent run');
          controller.abort(new RunFailed('run_not_stored', 'The run could not be stored, so it was stopped'));
          return false;
        },
      );
      return runStored;
    };

    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    let answeredBy: { provider: string; model: string } | undefined;
    let text = '';
    let steps = 0;
    let failure: AgentRunResult['error'];
    try {
      const resolved = await models.resolve(options.orgId, options.role);
      answeredBy = { provider: resolved.provider, model: resolved.modelId };
      const connected = await providers.list({ orgId: options.orgId, userId: options.principal?.userId });
      const tools =
        options.tools ??
        (await registry.select({
          orgId: options.orgId,
          principal: options.principal,
          mode: options.mode,
          connectors: new Set(connected.map((provider) => provider.connector)),
        }));
      const system = buildSystemPrompt({
        providers: connected,
        tools,
        mode: options.mode,
        instructions: options.instructions,
        conversationSummary: options.conversationSummary,
      });
      this.sdk ??= import('ai');
      const { streamText, stepCountIs, tool: sdkTool, zodSchema } = await this.sdk;

      const started = new Set<string>();
      const context = { options, runId, signal: controller.signal, emit, log, started, stored: storeRun };
      const toolSet: ToolSet = {};
      for (const definition of tools) {
        let inputSchema = this.inputSchemas.get(definition.input);
        if (!inputSchema) {
          inputSchema = zodSchema(definition.input);
          this.inputSchemas.set(definition.input, inputSchema);
        }
        toolSet[definition.name] = sdkTool({
          description: definition.description,
          inputSchema,
          execute: (input: unknown, { toolCallId }: { toolCallId: string }) =>
            this.invoke(definition, input, toolCallId, context),
        } as never);
      }
      const withinTokenBudget: StopCondition<ToolSet> = ({ steps: done }) =>
        done.reduce((sum, step) => sum + (step.usage.inputTokens ?? 0) + (step.usage.outputTokens ?? 0), 0) >=
        options.budgets.maxTokens;

      const stream = streamText({
        model: resolved.model,
        system,
        messages: options.messages,
        tools: toolSet,
        stopWhen: [stepCountIs(options.budgets.maxSteps), withinTokenBudget],
        abortSignal: controller.signal,
        // Retries (429/5xx, backoff with jitter) happen once, in the resilient model wrapper.
        maxRetries: 0,
        onError: () => undefined,
      });
      void storeRun();

      for await (const part of stream.fullStream) {
        switch (part.type) {
          case 'text-delta':
            if (part.text) {
              text += part.text;
              emit({ type: 'text.delta', delta: part.text });
            }
            break;
          case 'tool-error':
            // Our execute never throws, so an error here is a call that never reached it: bad input or an unknown tool.
            if (!started.has(part.toolCallId)) {
              await this.recordRejectedCall(part.toolCallId, part.toolName, part.input, part.error, context);
            }
            break;
          case 'finish-step': {
            steps++;
            const inputTokens = part.usage.inputTokens ?? 0;
            const outputTokens = part.usage.outputTokens ?? 0;
            const recorded = await this.dependencies.usage
              .record({
                orgId: options.orgId,
                userId: options.principal?.userId,
                sessionId: options.sessionId,
                runId,
                role: options.role,
                provider: resolved.provider,
                model: resolved.modelId,
                inputTokens,
                outputTokens,
              })
              .catch((error: unknown) => {
                log.warn({ err: error }, 'could not record model usage');
                return { costUsd: 0 };
              });
            usage.inputTokens += inputTokens;
            usage.outputTokens += outputTokens;
            usage.costUsd += recorded.costUsd;
            break;
          }
          case 'error':
            throw part.error;
          default:
            break;
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        failure =
          error instanceof LlmNotConfigured
            ? { code: error.code, message: error.message }
            : { code: 'model_error', message: error instanceof Error ? error.message : String(error) };
        log.warn({ err: error, code: failure.code }, 'agent run failed');
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof RunFailed)
      failure = { code: reason.code, message: reason.message };
    const status = failure ? 'failed' : controller.signal.aborted ? 'cancelled' : 'completed';
    const stopped = reason instanceof ProcessStopping;
    // A run that failed before the model was called still leaves its record.
    if (await storeRun()) {
      await this.repository
        .finishRun(
          database,
          options.orgId,
          runId,
          stopped ? 'interrupted' : status,
          stopped ? 'the server stopped' : failure?.message,
        )
        .catch((error: unknown) => log.warn({ err: error }, 'could not record the end of a run'));
    }
    this.untrack(runId);
    emit({ type: 'usage', ...usage, ...answeredBy });
    return { runId, status, text, error: failure, usage, steps };
  }

  private async invoke(
    tool: AnyToolDefinition,
    input: unknown,
    callId: string,
    run: {
      options: AgentRunOptions;
      runId: string;
      signal: AbortSignal;
      emit: (event: AgentEvent) => void;
      log: Logger;
      started: Set<string>;
      stored: () => Promise<boolean>;
    },
  ): Promise<string> {
    const { options, runId, emit } = run;
    const startedAt = performance.now();
    run.started.add(callId);
    emit({ type: 'tool.started', callId, tool: tool.name, input });
    // Approvals and tool calls belong to the run: it must be stored before either (if it cannot be, the run is
    // being stopped and this call never runs).
    if (!(await run.stored())) {
      return this.finishCall(
        tool,
        callId,
        input,
        'cancelled',
        'The run stopped before this call ran.',
        startedAt,
        null,
        run,
      );
    }

    let approvalId: string | null = null;
    let approvedBy: Principal | undefined;
    if (tool.access === 'mutating') {
      const summary = tool.summarize?.(input) ?? `${tool.name} with ${JSON.stringify(input)}`;
      const approval = await this.dependencies.approvals.request({
        orgId: options.orgId,
        runId,
        sessionId: options.sessionId,
        callId,
        tool: tool.name,
        input,
        summary,
        requestedBy: options.principal?.userId,
        approverRole: tool.approverRole ?? 'editor',
      });
      approvalId = approval.id;
      emit({
        type: 'confirmation.requested',
        confirmationId: approval.id,
        tool: tool.name,
        input,
        summary,
        expiresAt: approval.expiresAt,
      });
      const outcome = await this.dependencies.approvals.waitForDecision(options.orgId, approval, run.signal);
      if (outcome.status !== 'approved') {
        const seconds = this.dependencies.approvals.timeoutSeconds;
        const refusal =
          outcome.status === 'denied'
            ? 'A human denied this action, so it was NOT performed. Do not retry it; tell the user what you would have done.'
            : outcome.status === 'expired'
              ? `Nobody approved this action within ${seconds} seconds, so it was NOT performed. Do not retry it unprompted.`
              : run.signal.reason instanceof ProcessStopping
                ? 'The server stopped while this action waited for approval. The approval stays open: if someone approves it, the action runs then.'
                : 'The run was cancelled before this action was approved; it was NOT performed.';
        return this.finishCall(tool, callId, input, outcome.status, refusal, startedAt, approvalId, run);
      }
      // The decision was checked against the approver's role when it was made; the call itself runs as them,
      // with the role they hold now, and not at all if they may no longer approve it.
      const approverRole = tool.approverRole ?? 'editor';
      let approver: Principal | null | undefined;
      try {
        approver = outcome.decidedBy
          ? await this.dependencies.members.memberPrincipal(options.orgId, outcome.decidedBy)
          : undefined;
      } catch (error) {
        run.log.warn({ err: error }, 'could not look up the approver');
        approver = null;
      }
      if (!approver || !roleAtLeast(approver.role, approverRole)) {
        const refusal =
          approver === null
            ? "Error: the approver's membership could not be checked, so it was NOT performed."
            : approver
              ? `Error: the person who approved this now has the ${approver.role} role and may no longer approve it (it needs ${approverRole}), so it was NOT performed.`
              : 'Error: the person who approved this is no longer a member of the organization, so it was NOT performed.';
        return this.finishCall(tool, callId, input, 'error', refusal, startedAt, approvalId, run);
      }
      approvedBy = approver;
    }

    const { status, output } = await this.execute(tool, input, {
      orgId: options.orgId,
      runId,
      sessionId: options.sessionId,
      principal: options.principal,
      approvedBy,
      parentSignal: run.signal,
      logger: run.log,
    });
    return this.finishCall(tool, callId, input, status, output, startedAt, approvalId, run);
  }

  /** Runs a tool under its timeout and the run's cancel signal; never throws. */
  private async execute(
    tool: AnyToolDefinition,
    input: unknown,
    context: Omit<ToolContext, 'signal'> & { parentSignal: AbortSignal },
  ): Promise<{ status: ToolCallStatus; output: string }> {
    const timeoutMs = tool.timeoutMs ?? defaultToolTimeoutMs;
    const controller = new AbortController();
    const { parentSignal, ...rest } = context;
    const onParentAbort = () => controller.abort(parentSignal.reason);
    parentSignal.addEventListener('abort', onParentAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const stopped = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new ToolTimeout(`the tool did not finish within ${timeoutMs} ms`);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      stopped.catch(() => undefined);
      const value = await Promise.race([tool.execute(input, { ...rest, signal: controller.signal }), stopped]);
      return { status: 'ok', output: outputText(value) };
    } catch (error) {
      if (error instanceof ToolTimeout) return { status: 'timeout', output: `Error: ${error.message}` };
      if (parentSignal.aborted) return { status: 'cancelled', output: 'The run was cancelled while the tool ran.' };
      return { status: 'error', output: `Error: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
      parentSignal.removeEventListener('abort', onParentAbort);
    }
  }

  private async finishCall(
    tool: AnyToolDefinition,
    callId: string,
    input: unknown,
    status: ToolCallStatus,
    rawOutput: string,
    startedAt: number,
    approvalId: string | null,
    run: { options: AgentRunOptions; runId: string; emit: (event: AgentEvent) => void; log: Logger },
  ): Promise<string> {
    const capped = capOutput(rawOutput, tool.outputCapChars ?? defaultOutputCapChars);
    await this.storeCall(run.options.orgId, {
      runId: run.runId,
      sessionId: run.options.sessionId,
      callId,
      tool: tool.name,
      input,
      output: rawOutput,
      status,
      durationMs: performance.now() - startedAt,
      approvalId,
    }).catch((error: unknown) => run.log.warn({ err: error, tool: tool.name }, 'could not store a tool call'));
    run.emit({ type: 'tool.finished', callId, tool: tool.name, status, output: capped.text });
    return wrapToolOutput(tool.name, status, capped.text);
  }

  private async recordRejectedCall(
    callId: string,
    toolName: string,
    input: unknown,
    error: unknown,
    run: { options: AgentRunOptions; runId: string; emit: (event: AgentEvent) => void; log: Logger },
  ): Promise<void> {
    const message = `Error: ${error instanceof Error ? error.message : String(error)}`;
    run.emit({ type: 'tool.started', callId, tool: toolName, input });
    await this.storeCall(run.options.orgId, {
      runId: run.runId,
      sessionId: run.options.sessionId,
      callId,
      tool: toolName,
      input,
      output: message,
      status: 'invalid_input',
      durationMs: 0,
      approvalId: null,
    }).catch((storeError: unknown) => run.log.warn({ err: storeError }, 'could not store a tool call'));
    run.emit({ type: 'tool.finished', callId, tool: toolName, status: 'invalid_input', output: message });
  }

  private async storeCall(
    orgId: string,
    call: {
      runId: string;
      sessionId?: string;
      callId: string;
      tool: string;
      input: unknown;
      output: string;
      status: ToolCallStatus;
      durationMs: number;
      approvalId: string | null;
    },
  ): Promise<void> {
    const excerptChars = this.dependencies.storedExcerptChars ?? 4_000;
    await this.repository.insertToolCall(this.dependencies.database, orgId, {
      id: randomUUID(),
      runId: call.runId,
      sessionId: call.sessionId,
      callId: call.callId,
      tool: call.tool,
      input: call.input,
      outputExcerpt: capOutput(call.output, excerptChars).text,
      outputChars: call.output.length,
      status: call.status,
      durationMs: Math.round(call.durationMs),
      approvalId: call.approvalId,
    });
  }

  /** An approved call whose run is gone: run it now, as the approver, and store it under the original run. */
  private async runOrphanedCall(
    approval: ApprovalRow,
    approver: Principal,
  ): Promise<{ status: ToolCallStatus; output: string }> {
    const log = this.dependencies.logger.child({ runId: approval.runId, orgId: approval.orgId });
    const tool = await this.dependencies.registry.find(approval.tool, { orgId: approval.orgId, principal: approver });
    const startedAt = performance.now();
    let result: { status: ToolCallStatus; output: string };
    const parsed = tool?.input.safeParse(approval.input);
    if (!tool) result = { status: 'error', output: `Error: the tool ${approval.tool} is no longer available` };
    else if (!parsed?.success)
      result = { status: 'invalid_input', output: 'Error: the stored input no longer validates' };
    else {
      result = await this.execute(tool, parsed.data, {
        orgId: approval.orgId,
        runId: approval.runId,
        sessionId: approval.sessionId ?? undefined,
        principal: approver,
        approvedBy: approver,
        parentSignal: new AbortController().signal,
        logger: log,
      });
    }
    await this.storeCall(approval.orgId, {
      runId: approval.runId,
      sessionId: approval.sessionId ?? undefined,
      callId: approval.callId,
      tool: approval.tool,
      input: approval.input,
      output: result.output,
      status: result.status,
      durationMs: performance.now() - startedAt,
      approvalId: approval.id,
    });
    return result;
  }

  private track(runId: string): void {
    this.active.add(runId);
    this.heartbeat ??= setInterval(() => {
      this.repository
        .heartbeat(this.dependencies.database, [...this.active])
        .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not refresh run heartbeats'));
    }, heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  private untrack(runId: string): void {
    this.active.delete(runId);
    if (this.active.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}
