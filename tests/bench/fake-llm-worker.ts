// Worker process: the fake LLM provider server (tests/support/fake-provider) with a fixed per-call latency,
// in a process of its own so that answering thousands of requests does not load the measured process.
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import type { LlmCallRecord } from './llm-calls.js';
import { serveRpc } from './worker-rpc.js';

let fake: FakeProvider | null = null;

/** Who asked: the first words of the system prompt ("You are the bull researcher…"). */
function callerOf(system: string): string {
  return system.slice(0, 60).replace(/\s+/g, ' ');
}

function running(): FakeProvider {
  if (!fake) throw new Error('fake provider not started: call "start" first');
  return fake;
}

serveRpc(
  {
    async start({ latencyMs }: { latencyMs: number }) {
      fake ??= await startFakeProvider({ latencyMs });
      return { url: fake.url, openaiBaseURL: fake.openaiBaseURL };
    },
    reset() {
      running().reset();
    },
    summary() {
      const f = running();
      return { count: f.requests.length, maxInFlight: f.maxInFlight, inFlight: f.inFlight };
    },
    requests(): LlmCallRecord[] {
      return running().requests.map((r) => ({
        seq: r.seq,
        receivedAt: r.receivedAt,
        caller: callerOf(r.system),
        tools: r.tools.length,
        toolResults: r.toolResults,
      }));
    },
  },
  async () => {
    await fake?.close();
  },
);
