import type { Decision } from '@tradingfloor/shared';
import { renderMarkdownSafe } from './markdown-html.js';

const escapeMd = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, '\\$1');

/**
 * The HTML of a final decision for the run's decision panel: a short header (action, rating, confidence,
 * risk figures) followed by the portfolio manager's own text. Everything goes through the sanitizer.
 */
export function renderDecisionHtml(decision: Decision): string {
  const r = decision.risk_metrics;
  const figures = [
    r.entry_price !== null ? `entry ${r.entry_price}` : null,
    r.stop_loss !== null ? `stop ${r.stop_loss}` : null,
    r.take_profit !== null ? `target ${r.take_profit}` : null,
    r.reward_risk !== null ? `reward/risk ${r.reward_risk.toFixed(2)}` : null,
  ].filter((f): f is string => f !== null);
  const header = [
    `**${decision.action}** · ${decision.rating} · confidence ${Math.round(decision.confidence * 100)}%`,
    figures.length > 0 ? `\n\n${figures.join(' · ')}` : '',
    decision.summary !== '' ? `\n\n${escapeMd(decision.summary)}` : '',
  ].join('');
  return renderMarkdownSafe(`${header}\n\n---\n\n${decision.raw_text}`);
}

/**
 * `renderDecisionHtml` done at most once per decision: a run's decision object never changes once made, so
 * every later terminal update, snapshot and `GET /runs/:id/decision` of that run reuses the HTML.
 */
export function cachedDecisionRenderer(render: (decision: Decision) => string = renderDecisionHtml): (decision: Decision) => string {
  const cache = new WeakMap<Decision, string>();
  return (decision) => {
    let html = cache.get(decision);
    if (html === undefined) {
      html = render(decision);
      cache.set(decision, html);
    }
    return html;
  };
}
