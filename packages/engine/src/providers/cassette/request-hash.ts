import { createHash } from 'node:crypto';
import type { ChatRequest } from '../provider.js';

/**
 * JSON with object keys sorted at every level, so that the same request always gives the same text whatever
 * order its fields were built in. `undefined` fields are left out, as `JSON.stringify` does.
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What identifies a model call: everything that reaches the provider, and nothing about the run that asked. */
export function hashedPartsOf(provider: string, request: ChatRequest): Record<string, unknown> {
  return {
    provider,
    model: request.model,
    messages: request.messages,
    tools: request.tools ?? [],
    // `tier` only picks the model; `meta` (run id, agent) is never sent, so neither is part of the key.
    parameters: { max_output_tokens: request.maxOutputTokens ?? null, temperature: request.temperature ?? null },
  };
}

/** The stable sha-256 (hex) of (provider, model, messages, tools, parameters) that names a cassette entry. */
export function requestHash(provider: string, request: ChatRequest): string {
  return createHash('sha256')
    .update(canonicalJson(hashedPartsOf(provider, request)))
    .digest('hex');
}
