import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../src/lib/markdown.js';

/** Parses rendered HTML the way the page would, to look at elements rather than strings. */
function dom(html: string): HTMLElement {
  const el = document.createElement('div');
  el.innerHTML = html;
  return el;
}

describe('markdownToHtml', () => {
  it('renders the markdown reports use: headings, tables, emphasis, lists', () => {
    const el = dom(markdownToHtml('## Trend\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- **up** 3%\n'));
    expect(el.querySelector('h2')?.textContent).toBe('Trend');
    expect(el.querySelectorAll('td')).toHaveLength(2);
    expect(el.querySelector('li strong')?.textContent).toBe('up');
  });

  it('draws one bullet for a list item that brings its own bullet glyph', () => {
    const el = dom(markdownToHtml('- • Leverage: moderate\n- ▲ Trend: up\n1. · first\n'));
    expect([...el.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Leverage: moderate', '▲ Trend: up', 'first']);
  });

  it('keeps raw HTML from a model as inert text', () => {
    const el = dom(markdownToHtml('Buy <img src=x onerror="window.pwned=1"> now <script>alert(1)</script>'));
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('script')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror="window.pwned=1">');
  });

  it('drops script links', () => {
    const el = dom(markdownToHtml('[bad](javascript:alert(1)) and [ok](https://example.com)'));
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://example.com']);
  });
});

// DOMPurify itself does not work under happy-dom (its authors say so: cure53/DOMPurify#1457), so what it adds —
// stripping handlers from server HTML, the link hook — is checked in a real browser by tests/e2e (xss scenario).
