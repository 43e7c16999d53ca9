import type { ChatMessage } from '../provider.js';
import { OFFLINE_LABEL } from './report-format.js';

function field(text: string, label: string): string {
  return text.match(new RegExp(`^${label}:[ \\t]*(.+)$`, 'm'))?.[1]?.trim() ?? '';
}

/** A percentage as the prompt states it ("+3.10%"), or null for "n/a". */
function percent(text: string): number | null {
  const n = Number.parseFloat(text.replace('%', ''));
  return Number.isFinite(n) ? n : null;
}

/** The situation's lines that carried a direction, to name what pointed which way. */
function signals(situation: string): { bullish: string[]; bearish: string[] } {
  const bullish: string[] = [];
  const bearish: string[] = [];
  for (const line of situation.split('\n')) {
    const name = line.split(':')[0]?.trim() ?? '';
    if (/bullish/i.test(line)) bullish.push(name);
    else if (/bearish/i.test(line)) bearish.push(name);
  }
  return { bullish, bearish };
}

/**
 * The offline model's reflection: a rule-based verdict on a past decision from the figures in the prompt.
 * A BUY or SELL is right when its decision return is positive; a HOLD is right when the stock moved less than
 * 2 % either way. Moves under 1 % are called noise.
 */
export function reflectorTurn(messages: readonly ChatMessage[]): string {
  const text = messages.find((m) => m.role === 'user')?.content ?? '';
  const ticker = field(text, 'Ticker') || 'the stock';
  const action = field(text, 'Action').toUpperCase() || 'HOLD';
  const date = field(text, 'Decision date');
  const horizon = field(text, 'Outcome date').match(/\((\d+) trading days/)?.[1] ?? '?';
  const move = percent(field(text, `Return of ${ticker}`)) ?? 0;
  const earned = percent(field(text, 'Decision return')) ?? 0;
  const alphaText = field(text, 'Alpha vs SPY');
  const alpha = percent(alphaText);
  const situation = text.match(/<situation>\n?([\s\S]*?)\n?<\/situation>/)?.[1] ?? '';
  const { bullish, bearish } = signals(situation);

  const right = action === 'HOLD' ? Math.abs(move) < 2 : earned > 0;
  const noise = Math.abs(move) < 1;
  const moveText = `${ticker} moved ${move > 0 ? '+' : ''}${move.toFixed(2)}% in ${horizon} trading days`;
  const alphaPart = alpha === null ? '' : ` (${alphaText} against SPY)`;
  const verdict = noise
    ? `**Verdict:** inconclusive — ${moveText}${alphaPart}, within noise; the ${action} of ${date} neither paid nor hurt.`
    : `**Verdict:** the ${action} of ${date} was ${right ? 'right' : 'wrong'} — ${moveText}${alphaPart}, a decision return of ${earned > 0 ? '+' : ''}${earned.toFixed(2)}%.`;

  const up = move > 0;
  const pointedRight = up ? bullish : bearish;
  const misled = up ? bearish : bullish;
  const why =
    pointedRight.length + misled.length === 0
      ? '**Why:** the reports carried no clear signals to check against the move.'
      : `**Why:** ${pointedRight.length > 0 ? `${pointedRight.join(', ')} pointed the right way` : 'no report pointed the right way'}` +
        `${misled.length > 0 ? `; ${misled.join(', ')} misled` : ''}.`;

  let keep: string;
  let change: string;
  if (noise) {
    keep = '**Keep:** sizing small when the signals are mixed.';
    change = '**Change:** do not read much into this outcome; one quiet week is one sample.';
  } else if (right) {
    keep = `**Keep:** acting on ${pointedRight.length > 0 ? pointedRight.join(' and ') : 'the prevailing evidence'} when they agree.`;
    change = '**Change:** nothing structural; check that the stop and target still fit the volatility.';
  } else if (action === 'HOLD') {
    keep = '**Keep:** waiting when the evidence is balanced.';
    change = `**Change:** when ${pointedRight.length > 0 ? pointedRight.join(' and ') : 'a clear trend'} points one way this strongly, take a position instead of holding.`;
  } else {
    keep = '**Keep:** writing down what would prove the decision wrong.';
    change = `**Change:** give more weight to ${pointedRight.length > 0 ? pointedRight.join(' and ') : 'the opposing case'} before a ${action} in a similar setup.`;
  }
  return [verdict, why, keep, change, '', `_Written by the ${OFFLINE_LABEL}._`].join('\n');
}
