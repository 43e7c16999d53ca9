import { DataUnavailableError, ProviderError, ROLE_LABELS, ValidationError, errorMessage } from '@tradingfloor/shared';
import { DEFAULT_ANSWER_LIMITS } from '../providers/answer-limits.js';
import { sizeOf, summariseAnswerObject } from '../data/tools/answer-summary.js';
import type { ChatMessage, ToolCall } from '../providers/provider.js';
import type { AgentContext } from './agent-context.js';
import { askModel, logStep } from './ask-model.js';
import type { Prompt } from './prompts/prompt-context.js';

/** How many model turns with tools an analyst gets before it must write its report (`LLM_MAX_TOOL_TURNS`). */
export const DEFAULT_MAX_TOOL_ROUNDS = DEFAULT_ANSWER_LIMITS.maxToolTurns;

/** What the tool loop produced. */
export interface ToolLoopResult {
  text: string;
  /** Model turns that were offered tools. */
  rounds: number;
  toolCalls: number;
}

const PREVIEW_CHARS = 160;
/** How much of a long text `preview` collapses first: enough for a preview in all but whitespace-heavy texts. */
const PREVIEW_SCAN = 4 * PREVIEW_CHARS;
const WHITESPACE_RUNS = /\s+/g;

/** The text with its whitespace runs collapsed to one space, cut to `PREVIEW_CHARS` with its full length noted. */
export function preview(text: string): string {
  if (text.length > PREVIEW_SCAN) {
    // Collapsing a prefix yields a prefix of the collapsed whole: when it holds a non-space past the cut, the
    // whole is longer than the preview and starts the same, so a 10 kB answer is not collapsed to keep 160 chars.
    const head = text.slice(0, PREVIEW_SCAN).replace(WHITESPACE_RUNS, ' ').trimStart();
    if (head.length > PREVIEW_CHARS + 1 || (head.length === PREVIEW_CHARS + 1 && head[PREVIEW_CHARS] !== ' ')) {
      return `${head.slice(0, PREVIEW_CHARS)}… (${text.length} chars)`;
    }
  }
  const flat = text.replace(WHITESPACE_RUNS, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}… (${text.length} chars)` : flat;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs one tool call and returns what the model reads. Mistakes the model can fix (unknown tool, bad arguments,
 * missing data) come back as text, logged with the call (`logToolCall`); only a cancel or a real fault is thrown.
 */
async function runToolCall(ctx: AgentContext, call: ToolCall, served: (vendor: string, summary?: string) => void): Promise<string> {
  const tool = ctx.tools.find((t) => t.spec.name === call.name);
  if (!tool) {
    const known = ctx.tools.map((t) => t.spec.name).join(', ') || 'none';
    return `ERROR: unknown tool "${call.name}". Available tools: ${known}.`;
  }
  if (!isPlainObject(call.arguments)) return 'INVALID ARGUMENTS: the arguments must be a JSON object.';
  try {
    return await tool.run(call.arguments, ctx.signal, served);
  } catch (error) {
    ctx.signal.throwIfAborted();
    // Tools should answer these as text; if one throws them anyway the model still gets a chance to recover.
    if (error instanceof ValidationError) return `INVALID ARGUMENTS: ${error.message}`;
    if (error instanceof DataUnavailableError) return `DATA UNAVAILABLE: ${error.message}`;
    throw error;
  }
}

/** Answers the model reads as a failed call (see `runToolCall` and `defineTool`). */
const FAILED_ANSWER = /^(ERROR|INVALID ARGUMENTS|DATA UNAVAILABLE):/;

/** Runs a call and reports its start and end (with vendor, summary or error) for the agent's tool-call node. */
async function reportedToolCall(ctx: AgentContext, call: ToolCall, args: string): Promise<string> {
  let vendor: string | null = null;
  let summary: string | undefined;
  ctx.toolCalls?.started(call.name, args);
  try {
    const content = await runToolCall(ctx, call, (name, line) => {
      vendor = name;
      summary = line;
    });
    const failed = FAILED_ANSWER.test(content);
    ctx.toolCalls?.ended({ summary: failed ? null : (summary ?? summariseAnswer(content)), vendor, error: failed ? content : null });
    return content;
  } catch (error) {
    // A cancel leaves the call open: the run closes it as canceled when it stops.
    if (!ctx.signal.aborted) {
      const message = errorMessage(error);
      ctx.toolCalls?.ended({ summary: null, vendor, error: message });
      // The step's failure line that follows does not say which call failed.
      ctx.log({ severity: 'ERROR', source: 'tool', agent_id: ctx.agentId, message: `${call.name} ${args} failed: ${message}` });
    }
    throw error;
  }
}

/**
 * The one log line of a tool call, made when it has answered: the tool, its arguments and the answer's size,
 * or, for an answer the model reads as a failure (unknown tool, bad arguments, missing data), a warning with
 * the answer's beginning.
 */
function logToolCall(ctx: AgentContext, name: string, args: string, content: string, shown: string): void {
  const failed = FAILED_ANSWER.test(content);
  ctx.log({
    severity: failed ? 'WARN' : 'INFO',
    source: 'tool',
    agent_id: ctx.agentId,
    message: failed ? `${name} ${args} failed: ${shown}` : `${name} ${args} answered ${content.length} chars`,
  });
}

/**
 * One line about a tool's answer: for a JSON object, its list fields with their lengths and its other
 * top-level fields by name (e.g. `bars: 30 · last_close · 2.1 kB`); else the first words. Never the numbers
 * themselves: the messages node has the preview, the model the whole answer. Tools built with `defineTool`
 * report this line themselves (from the object, before it is serialised); this parses the text for the others.
 */
export function summariseAnswer(content: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return `${preview(content).slice(0, 80)} · ${sizeOf(content.length)}`;
  }
  if (!isPlainObject(parsed)) return sizeOf(content.length);
  return summariseAnswerObject(parsed, content.length);
}

/**
 * The analyst's tool loop: the model may call tools for up to `maxRounds` turns; each call is logged once, shown in
 * the agent's messages and answered with a `tool` message. When the rounds run out the model is asked, once and
 * without tools, to write its answer from what it has; if it answers that with tool calls again, the step fails
 * with a `ProviderError` naming the role and `LLM_MAX_TOOL_TURNS`.
 */
export async function runToolLoop(ctx: AgentContext, prompt: Prompt, maxRounds = DEFAULT_MAX_TOOL_ROUNDS): Promise<ToolLoopResult> {
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  const specs = ctx.tools.map((t) => t.spec);
  let toolCalls = 0;
  for (let round = 1; round <= maxRounds; round++) {
    const response = await askModel(ctx, 'quick', messages, specs);
    if (response.toolCalls.length === 0) {
      const text = response.text.trim();
      if (text.length > 0) return { text, rounds: round, toolCalls };
      logStep(ctx, 'WARN', 'the model answered with neither text nor tool calls; asking for the report');
      messages.push({ role: 'assistant', content: '' }, { role: 'user', content: 'Your answer was empty. Write your report now.' });
      continue;
    }
    messages.push({ role: 'assistant', content: response.text, tool_calls: response.toolCalls });
    if (response.text.trim()) ctx.appendMessage(response.text.trim());
    for (const call of response.toolCalls) {
      // Tools over local data ignore the signal and answer at once: without this check a cancel waited for
      // every remaining call of a long list (2.3 s for 500 calls).
      ctx.signal.throwIfAborted();
      const args = JSON.stringify(call.arguments) ?? 'null';
      ctx.appendMessage(`→ ${call.name}(${args})`);
      const content = await reportedToolCall(ctx, call, args);
      toolCalls++;
      const shown = preview(content);
      logToolCall(ctx, call.name, args, content, shown);
      ctx.appendMessage(`← ${call.name}: ${shown}`);
      messages.push({ role: 'tool', tool_call_id: call.id, name: call.name, content });
    }
  }
  logStep(ctx, 'WARN', `tool round limit (${maxRounds}) reached; asking for the report without tools`);
  messages.push({
    role: 'user',
    content: `You have used all ${maxRounds} tool rounds. Do not call more tools: write your report now from the data you have.`,
  });
  const final = await askModel(ctx, 'quick', messages);
  if (final.toolCalls.length > 0) {
    // Not offered tools and told to stop, it still asks for them: another round would not end differently,
    // and its text (if any) is a preamble to the calls, not a report.
    const role = ROLE_LABELS[ctx.role] ?? ctx.role;
    throw new ProviderError(
      `${role}: the model kept asking for tools (${final.toolCalls.length} more calls) after its ${maxRounds} tool turns ` +
        `and the request to write its report; raise LLM_MAX_TOOL_TURNS if it needs more turns`,
      ctx.provider.name,
    );
  }
  const text = final.text.trim() || `_(no report: the model used its ${maxRounds} tool rounds and then wrote nothing)_`;
  return { text, rounds: maxRounds, toolCalls };
}
