import { describe, expect, it } from 'vitest';
import { cachedDecisionRenderer, renderDecisionHtml } from '../src/render/decision-html.js';
import { renderMarkdownSafe } from '../src/render/markdown-html.js';
import { fakeDecision } from './support/fake-run-manager.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '[click](javascript:alert(1))',
  '<a href="https://x" onclick="alert(1)">x</a>',
  '<iframe src="https://evil"></iframe>',
  '<svg onload=alert(1)>',
];

describe('renderMarkdownSafe', () => {
  it('renders markdown', () => {
    expect(renderMarkdownSafe('# Buy\n\n**strong** *trend*')).toBe('<h1>Buy</h1>\n<p><strong>strong</strong> <em>trend</em></p>\n');
  });

  it.each(PAYLOADS)('leaves %s inert', (payload) => {
    const html = renderMarkdownSafe(`Decision: BUY\n\n${payload}\n`);
    // Text may still *say* "onerror=" (escaped, harmless); no live tag, handler attribute or script URL may exist.
    expect(html).not.toMatch(/<(script|img|iframe|svg)\b/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/href\s*=\s*"?\s*javascript:/i);
  });

  it('keeps safe links, opening them away from the app', () => {
    expect(renderMarkdownSafe('[src](https://example.com)')).toContain(
      '<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">src</a>',
    );
  });
});

describe('renderDecisionHtml', () => {
  it('shows the action and figures and sanitizes the model text', () => {
    const html = renderDecisionHtml(fakeDecision('ACME', 'FINAL: **BUY**\n<script>steal()</script>'));
    expect(html).toContain('<strong>BUY</strong> · Buy · confidence 70%');
    expect(html).toContain('entry 100 · stop 95 · target 110 · reward/risk 2.00');
    expect(html).not.toContain('<script');
  });
});

describe('cachedDecisionRenderer', () => {
  it('renders each decision once and gives the same HTML for it afterwards', () => {
    const calls: string[] = [];
    const render = cachedDecisionRenderer((d) => {
      calls.push(d.ticker);
      return renderDecisionHtml(d);
    });
    const acme = fakeDecision('ACME', 'Buy it.');
    const wayne = fakeDecision('WAYNE', 'Hold it.');
    const first = render(acme);
    expect(render(acme)).toBe(first);
    expect(first).toBe(renderDecisionHtml(acme));
    expect(render(wayne)).toContain('Hold it.');
    expect(calls).toEqual(['ACME', 'WAYNE']);
  });
});
