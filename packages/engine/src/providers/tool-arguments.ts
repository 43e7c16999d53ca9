import { errorMessage } from '@tradingfloor/shared';
import { ProviderCallError } from './provider-call-error.js';

/**
 * Parses a tool call's arguments as the wire delivers them: a JSON string (OpenAI format), already an
 * object (Anthropic, and some OpenAI-compatible servers), or empty (a tool without parameters).
 * Anything that is not a JSON object is a `ProviderCallError` of kind `bad_tool_arguments` naming the tool.
 */
export function parseToolArguments(raw: unknown, ctx: { provider: string; label: string; tool: string }): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch (err) {
      const reason = errorMessage(err);
      throw new ProviderCallError(
        `${ctx.label}: the model called tool "${ctx.tool}" with arguments that are not valid JSON (${reason}): ${preview(raw)}`,
        ctx.provider,
        'bad_tool_arguments',
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProviderCallError(
      `${ctx.label}: the model called tool "${ctx.tool}" with arguments that are not a JSON object: ${preview(JSON.stringify(value))}`,
      ctx.provider,
      'bad_tool_arguments',
    );
  }
  return value as Record<string, unknown>;
}

function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
