// Transport CPU per model call, in isolation (issue 13): N POSTs of a realistic chat-completions body to the
// fake LLM server (in its own process), in bursts of 100 (runs move in step) and one after another, through
// the engine's openai provider (the real SDK) and through the bare `fetch`. Prints the calling thread's CPU per call (Linux only:
// /proc/thread-self/schedstat, ns resolution), min and median over ROUNDS (default 5) rounds. A tool for A/B
// of the transport, not a bench group: run it back to back against the other variant.
// Run: ROUNDS=7 node --import tsx --expose-gc tests/bench/transport-cpu.ts [keep-alive|global: the bare phase's fetch] [calls=1000]
import { createKeepAliveFetch } from '../../packages/engine/src/providers/keep-alive-fetch.js';
import { createOpenAiProvider } from '../../packages/engine/src/providers/openai-provider.js';
import type { ChatRequest } from '../../packages/engine/src/providers/provider.js';
import { readFileSync } from 'node:fs';

/** This thread's time on a CPU (ms, ns resolution: /proc/thread-self/schedstat). */
const callingThreadCpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
import { startWorker } from './worker-rpc.js';

const which = process.argv[2] ?? 'keep-alive';
const calls = Number(process.argv[3] ?? 1000);
const burst = 100;

const fake = await startWorker('fake-llm-worker.ts');
const { openaiBaseURL } = await fake.call<{ openaiBaseURL: string }>('start', { latencyMs: 0 });

const transport = which === 'global' ? { fetch, destroy() {} } : createKeepAliveFetch({ maxBodyBytes: 60_000 * 6 + 256 * 1024 });

// ~20 KB: a system prompt, a data-laden user message, an earlier assistant turn with a tool call and its result.
const line = (i: number) => `2024-01-${String((i % 28) + 1).padStart(2, '0')} open 187.${i % 100} high 189.${i % 97} low 185.${i % 89} close 188.${i % 83} vol ${1_000_000 + i * 7919}`;
const data = Array.from({ length: 160 }, (_, i) => line(i)).join('\n');
const body = {
  model: 'fake-model',
  max_tokens: 2000,
  temperature: 0.2,
  messages: [
    { role: 'system' as const, content: `You are the market analyst of a trading team (ACME). ${'Read the data and write a report. '.repeat(40)}` },
    { role: 'user' as const, content: `Trade date 2024-01-31, ticker ACME.\n${data}` },
  ],
};
console.log(`request body ${JSON.stringify(body).length} bytes, ${calls} calls per phase, transport ${which}`);

// The engine's own openai provider (SDK client, wire mapping, request deadline) over its own keep-alive fetch.
const provider = createOpenAiProvider({ apiKey: 'k', baseURL: openaiBaseURL, maxResponseBytes: 60_000 * 6 + 256 * 1024 });
const chatRequest: ChatRequest = {
  model: body.model,
  tier: 'quick',
  messages: body.messages,
  meta: { runId: 'bench', agentRole: 'market_analyst', agentId: 'market_analyst' },
};
const never = new AbortController().signal;
const sdkCall = async () => {
  const answer = await provider.chat(chatRequest, never);
  if (!answer.text) throw new Error('empty answer');
};
const json = JSON.stringify(body);
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer k' };
const bareCall = async () => {
  const res = await transport.fetch(`${openaiBaseURL}/chat/completions`, { method: 'POST', headers, body: json });
  const answer = (await res.json()) as { choices: unknown[] };
  if (answer.choices.length === 0) throw new Error('empty answer');
};

const results = new Map<string, number[]>();

async function phase(name: string, call: () => Promise<void>, concurrent: boolean): Promise<void> {
  globalThis.gc?.();
  const t0 = callingThreadCpuMs()!;
  if (concurrent) for (let i = 0; i < calls; i += burst) await Promise.all(Array.from({ length: burst }, call));
  else for (let i = 0; i < calls; i++) await call();
  const perCall = ((callingThreadCpuMs()! - t0) / calls) * 1000;
  results.set(name, [...(results.get(name) ?? []), perCall]);
}

const rounds = Number(process.env.ROUNDS ?? 5);
try {
  // Warm-up: JIT and a full pool.
  await phase('warm-up', sdkCall, true);
  for (let round = 0; round < rounds; round++) {
    await phase('provider burst 100', sdkCall, true);
    await phase('bare burst 100', bareCall, true);
    await phase('bare sequential', bareCall, false);
  }
  for (const [name, values] of results) {
    if (name === 'warm-up') continue;
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`${which.padEnd(10)} ${name.padEnd(16)} thread µs/call: min ${sorted[0]!.toFixed(0)} median ${sorted[sorted.length >> 1]!.toFixed(0)}  (${values.map((v) => v.toFixed(0)).join(' ')})`);
  }
} finally {
  transport.destroy();
  await fake.stop();
}
