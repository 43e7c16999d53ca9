import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
let fake: FakeProvider | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = fake = undefined;
});

const PAYLOAD =
  '<script>window.pwned=1</script> <img src=x onerror="alert(1)"> [go](javascript:alert(2)) <a href="#" onclick="alert(3)">x</a>';

/** Nothing in the html may run: no live script/img/iframe/svg tag, no on*= attribute, no javascript: URL. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<(script|img|iframe|svg|object|embed)\b/i);
  expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
}

describe('untrusted model output', () => {
  it('comes out inert in the REST decision_html and reaches the WebSocket only as raw text (the SPA sanitizes it)', async () => {
    const base = createDefaultScript({ action: 'BUY' });
    // Every text answer (analysts, debaters, managers) carries the payload; tool calls stay normal.
    fake = await startFakeProvider({
      script: (req) => {
        const reply = base(req);
        return reply.kind === 'text' ? { ...reply, text: `${PAYLOAD}\n\n${reply.text}` } : reply;
      },
    });
    h = await startHarness({ env: { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'test-key' } });
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', llm_provider: 'openai', analysts: ['market'] } });
    expect(res.status).toBe(202);
    const runId: string = res.json.runs[0].run_id;
    const ws = await h.ws(runId);
    const done = await ws.waitFor((m) => m.type === 'status_update_run' || (m.type === 'init_run' && m.status === 'completed'));
    expect(done).toMatchObject({ status: 'completed', final_decision: { raw_text: expect.stringContaining('<script>') } });
    expect(done).not.toHaveProperty('decision_html');

    const rest = await h.api('GET', `/runs/${runId}/decision`);
    expect(rest.json.decision.raw_text).toContain('<script>');
    const html: string = rest.json.decision_html;
    expectInert(html);
    // The text is still there for a person to read, just escaped.
    expect(html).toContain('&lt;script&gt;');
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});
