// Worker process: the fake LLM provider server (tests/support/fake-provider) with a fixed per-call latency,
// in a process of its own so that answering thousands of requests does not load the measured process.
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { toCallRecord, type LlmCallRecord } from './llm-calls.js';
import { serveRpc } from './worker-rpc.js';

let fake: FakeProvider | null = null;

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
      return running().requests.map(toCallRecord);
    },
  },
  async () => {
    await fake?.close();
  },
);
