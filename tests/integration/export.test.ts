import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { removeDir, startHarness, tempResultsDir, type Harness } from '../support/server-harness.js';

// `GET /runs/:id/report.md|html` (issue 16, "Export") against the real server and engine: the offline model on
// the demo market, and the fake provider for hostile model text.

let h: Harness | undefined;
let fake: FakeProvider | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  if (dir) await removeDir(dir);
  h = fake = dir = undefined;
});

/** Starts one run and waits for its end; answers its id. */
async function finishedRun(harness: Harness, body: Record<string, unknown>): Promise<string> {
  const res = await harness.api('POST', '/start-multi', { json: body });
  expect(res.status).toBe(202);
  const runId = res.json.runs[0].run_id as string;
  expect((await harness.manager.whenFinished(runId)).status).toBe('completed');
  return runId;
}

/** The text of every report node of the run, by node id, as `GET /runs/:id/tree` gives it. */
async function reportTexts(harness: Harness, runId: string): Promise<Record<string, string>> {
  const contents = (await harness.api('GET', `/runs/${runId}/tree`)).json.contents as Record<string, string>;
  return Object.fromEntries(Object.entries(contents).filter(([id]) => id.endsWith('.report')));
}

/** A line of `text` long enough to identify it, without markdown syntax, to look for in a rendered document. */
const sampleLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/^([-*+]|\d+\.)\s+/, ''))
    .find((l) => l.length > 20 && /^[A-Za-z][^*_`#|<>[\]&"']*$/.test(l));

const VERSION = (JSON.parse(readFileSync(new URL('../../packages/server/package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

const SECTIONS = [
  'Decision',
  'Price chart',
  'Analyst reports',
  'Research debate',
  'Research manager’s investment plan',
  'Trader’s plan',
  'Risk debate',
  'Final decision text (portfolio manager)',
  'Provenance',
];
const SPEAKERS = [
  'Market Analyst',
  'Social Media Analyst',
  'News Analyst',
  'Fundamentals Analyst',
  'Round 1 — Bull Researcher',
  'Round 1 — Bear Researcher',
  'Round 2 — Bull Researcher',
  'Round 2 — Bear Researcher',
  'Research Manager',
  'Trader',
  'Round 1 — Aggressive Risk Analyst',
  'Round 1 — Conservative Risk Analyst',
  'Round 1 — Neutral Risk Analyst',
  'Portfolio Manager',
];

describe('GET /runs/:id/report.md and report.html', () => {
  it('export every part of a finished run, with the chart as inline SVG and the provenance, as attachments', async () => {
    h = await startHarness();
    const runId = await finishedRun(h, { company_symbols: 'ACME', trade_date: '2024-03-28', max_debate_rounds: 2 });
    const texts = await reportTexts(h, runId);
    const decision = (await h.api('GET', `/runs/${runId}/decision`)).json.decision;
    const short = runId.split('--')[2];

    const md = await h.api('GET', `/runs/${runId}/report.md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toBe(`attachment; filename="ACME_2024-03-28_${short}.md"`);
    for (const title of SECTIONS) expect(md.text).toContain(`\n## ${title}\n`);
    for (const speaker of SPEAKERS) expect(md.text).toContain(`\n### ${speaker}\n`);
    expect(md.text).toMatch(/!\[ACME daily prices up to 2024-03-28\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/);
    const svg = Buffer.from(/base64,([A-Za-z0-9+/=]+)\)/.exec(md.text)![1]!, 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<polyline');
    // The decision's figures and every report's text, as the run produced them.
    expect(md.text).toContain(`| ${decision.action} | ${decision.rating} | ${Math.round(decision.confidence * 100)}% |`);
    expect(Object.keys(texts).length).toBeGreaterThanOrEqual(12);
    for (const [id, text] of Object.entries(texts)) {
      const line = sampleLine(text);
      expect(line, `${id}: ${text}`).toBeDefined();
      expect(md.text, id).toContain(line);
    }
    for (const fact of [
      `| Run id | ${runId} |`,
      '| Trade date | 2024-03-28 |',
      '| Model provider | offline rule-based model (no LLM) |',
      `| TradingFloor version | ${VERSION} |`,
    ])
      expect(md.text).toContain(fact);
    expect(md.text).toMatch(/\| Usage \| [\d,]+ tokens/);
    expect(md.text).toMatch(/\| Market data \| .*demo/i);

    const html = await h.api('GET', `/runs/${runId}/report.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toBe(`attachment; filename="ACME_2024-03-28_${short}.html"`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain('@media print');
    expect(html.text).toMatch(/<svg [^>]*role="img"/);
    expect(html.text).not.toMatch(/<script|<link|<iframe|\bsrc=/i);
    for (const title of SECTIONS) expect(html.text).toContain(`>${title.replace('’', '’')}</h2>`);
    for (const speaker of SPEAKERS) expect(html.text).toContain(`<h3>${speaker}</h3>`);
    for (const text of Object.values(texts)) expect(html.text).toContain(sampleLine(text));

    const inline = await h.api('GET', `/runs/${runId}/report.html?inline=1`);
    expect(inline.headers.get('content-disposition')).toBe(`inline; filename="ACME_2024-03-28_${short}.html"`);
    expect(inline.text.replace(/generated [^<]+/, '')).toBe(html.text.replace(/generated [^<]+/, ''));
    const bad = await h.api('GET', `/runs/${runId}/report.md?inline=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/inline/);
  });

  it('404 for an unknown run, 400 for a malformed id, 409 while a run is active, a banner once it was canceled', async () => {
    h = await startHarness();
    const unknown = await h.api('GET', '/runs/ACME--2024-01-01_00.00.00--abcdef/report.html');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/not found/i);
    expect((await h.api('GET', '/runs/nope/report.md')).status).toBe(400);

    // Every offline call takes a minute: the run stays active until it is canceled.
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX', offline_latency_ms: 60_000 } });
    const runId = res.json.runs[0].run_id as string;
    const active = await h.api('GET', `/runs/${runId}/report.md`);
    expect(active.status).toBe(409);
    expect(active.json.error).toMatch(new RegExp(`run ${runId} is (pending|in progress)`));
    expect((await h.api('POST', `/runs/${runId}/cancel`)).status).toBe(202);
    expect((await h.manager.whenFinished(runId)).status).toBe('canceled');
    const partial = await h.api('GET', `/runs/${runId}/report.html`);
    expect(partial.status).toBe(200);
    expect(partial.text).toContain('Incomplete report (canceled).');
    expect(partial.text).toContain('No decision was reached.');
  });

  it('neutralises hostile model text: no script, no event handler, no javascript: link survives', async () => {
    const payload =
      '<script>window.pwned=1</script> <img src=x onerror="alert(1)"> [go](javascript:alert(2)) <a href="#" onclick="alert(3)">x</a>';
    const base = createDefaultScript({ action: 'BUY' });
    fake = await startFakeProvider({
      script: (req) => {
        const reply = base(req);
        return reply.kind === 'text' ? { ...reply, text: `${payload}\n\n## Heading from the model\n\n${reply.text}` } : reply;
      },
    });
    h = await startHarness({ env: { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'test-key' } });
    const runId = await finishedRun(h, { company_symbols: 'ACME', llm_provider: 'openai', analysts: ['market'] });

    const html = (await h.api('GET', `/runs/${runId}/report.html`)).text;
    expect(html).not.toMatch(/<(script|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    // Still readable as text, and the model's headings sit below the document's own.
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html).toContain('<h4>Heading from the model</h4>');
    expect(html).not.toContain('<h2>Heading from the model</h2>');

    const md = (await h.api('GET', `/runs/${runId}/report.md`)).text;
    expect(md).not.toMatch(/<script|<img|<a /i);
    expect(md).toContain('&lt;script>window.pwned=1&lt;/script>');
    expect(md).toContain('#### Heading from the model');
  });

  it('exports a run evicted from memory, and read back from disk after a restart, exactly as before', async () => {
    dir = await tempResultsDir();
    h = await startHarness({ resultsDir: dir, env: { RUNS_IN_MEMORY: '1' } });
    const runId = await finishedRun(h, { company_symbols: 'INITECH', trade_date: '2024-03-28' });
    const before = (await h.api('GET', `/runs/${runId}/report.md`)).text;
    // A second finished run pushes the first out of memory (RUNS_IN_MEMORY=1): its view is read from disk.
    await finishedRun(h, { company_symbols: 'ACME', trade_date: '2024-03-28' });
    const evicted = await h.api('GET', `/runs/${runId}/report.md`);
    expect(evicted.status).toBe(200);
    await h.close();
    h = await startHarness({ resultsDir: dir });
    const after = await h.api('GET', `/runs/${runId}/report.md`);
    expect(after.status).toBe(200);
    // Everything but the generation time and the provenance's last-update (a file time on disk) is the same.
    const body = (text: string) => text.slice(text.indexOf('\n## Decision'), text.indexOf('\n## Provenance'));
    expect(body(before)).toContain('## Analyst reports');
    expect(body(evicted.text)).toBe(body(before));
    expect(body(after.text)).toBe(body(before));
    expect(after.text).toContain(`| Run id | ${runId} |`);
  });
});
