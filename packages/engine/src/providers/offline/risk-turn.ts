import { readClosingLines } from '../../decision/closing-lines.js';
import { firstSentences } from '../../decision/summary.js';
import { gatherEvidence, pointsOf, signed, type Evidence } from './evidence.js';
import type { PromptFacts, StatedTurn } from './read-prompt.js';
import { fmt, OFFLINE_LABEL } from './report-format.js';

export type Stance = 'aggressive' | 'conservative' | 'neutral';

const ROLE: Record<Stance, string> = { aggressive: 'aggressive_analyst', conservative: 'conservative_analyst', neutral: 'neutral_analyst' };

/** What the risk analysts look at: the proposal, its levels and the volatility. */
interface Setup {
  action: string;
  close: number | null;
  atr: number | null;
  atrPct: number | null;
  stop: number | null;
  target: number | null;
  evidence: Evidence;
}

function setupOf(facts: PromptFacts): Setup {
  const evidence = gatherEvidence(facts.reports);
  const lines = readClosingLines(facts.traderPlan ?? '');
  const close = evidence.lastClose;
  const atr = evidence.atr;
  return {
    action: lines.action ?? 'HOLD',
    close,
    atr,
    atrPct: close && atr ? (atr / close) * 100 : null,
    stop: lines.stopLoss ?? null,
    target: lines.takeProfit ?? null,
    evidence,
  };
}

/** The level `n` ATRs from the close, in the trade's direction (+ above, − below). */
function atrLevel(s: Setup, n: number): string {
  return s.close !== null && s.atr !== null ? fmt(s.close + n * s.atr) : 'n/a';
}

/** The latest word of each other analyst: their recommendation line, or their first sentence. */
function replies(stance: Stance, debate: readonly StatedTurn[]): string[] {
  const others = (Object.keys(ROLE) as Stance[]).filter((s) => s !== stance);
  const out: string[] = [];
  for (const other of others) {
    const turn = [...debate].reverse().find((t) => t.speaker === ROLE[other]);
    if (!turn) continue;
    const rec = turn.text.match(/^Recommendation:\s*(.+)$/m)?.[1] ?? firstSentences(turn.text, 1);
    out.push(`- The ${other} analyst says: "${rec}" — ${answerTo(stance, other)}`);
  }
  return out;
}

function answerTo(stance: Stance, other: Stance): string {
  if (stance === 'aggressive')
    return other === 'conservative'
      ? 'caution has a cost too: every missed trend is a loss nobody books.'
      : 'a half measure halves the payoff of a thesis the reports support.';
  if (stance === 'conservative')
    return other === 'aggressive'
      ? 'a wider target does nothing for the downside; the stop is what we live with.'
      : 'a middle path is still exposure; size it for the volatility, not for the hope.';
  return other === 'aggressive'
    ? 'the upside is real, but size should follow the evidence, not conviction.'
    : 'protection matters, but standing aside entirely gives up an edge the reports do show.';
}

function volatilityWords(s: Setup): string {
  if (s.atrPct === null) return 'volatility is unknown (no ATR in the reports)';
  const level = s.atrPct < 1.5 ? 'low' : s.atrPct < 3 ? 'moderate' : s.atrPct < 5 ? 'high' : 'very high';
  return `ATR(14) ${fmt(s.atr)} is ${fmt(s.atrPct, 1)}% of price (${level} volatility)`;
}

/** One turn of a risk analyst of the offline model. */
export function riskTurn(stance: Stance, facts: PromptFacts): string {
  const s = setupOf(facts);
  const c = s.evidence.composite;
  const up = s.action === 'BUY' || (s.action === 'HOLD' && c > 0.05);
  const dir = up ? 1 : -1;
  const best = pointsOf(s.evidence, 1)[0]?.text;
  const worst = pointsOf(s.evidence, -1)[0]?.text;
  const round = facts.debate.filter((t) => t.speaker === ROLE[stance]).length + 1;
  const lines = [
    `## ${stance[0]?.toUpperCase()}${stance.slice(1)} risk view: ${facts.ticker} (round ${round})`,
    '',
    `*Argued by the ${OFFLINE_LABEL} from the trader's plan and the reports.*`,
    '',
    `The trader proposes ${s.action} (stop ${fmt(s.stop)}, target ${fmt(s.target)}); ${volatilityWords(s)}; the reports weigh in at ${signed(c)}.`,
  ];
  const answered = replies(stance, facts.debate);
  if (answered.length) lines.push('', '### Answering the others', ...answered);
  lines.push('', '### My case');
  let rec: string;
  if (stance === 'aggressive') {
    if (s.action === 'HOLD' && Math.abs(c) <= 0.05) {
      lines.push(
        `- There is no edge today (composite ${signed(c)}), so I accept holding — but set an alert: a break of the 20-day range is the trade.`,
      );
      rec = 'HOLD now, act on a range breakout.';
    } else {
      lines.push(
        `- ${best && dir > 0 ? `The strongest point: ${best}` : worst && dir < 0 ? `The strongest point: ${worst}` : `The composite ${signed(c)} points one way.`}`,
      );
      lines.push(
        `- Let the winner run: target 4 ATR (${atrLevel(s, 4 * dir)}) instead of ${fmt(s.target)}, stop at 2 ATR (${atrLevel(s, -2 * dir)}), full size.`,
      );
      rec = `${s.action === 'HOLD' ? (dir > 0 ? 'BUY a starter position' : 'SELL a starter position') : s.action} at full size, target ${atrLevel(s, 4 * dir)}.`;
    }
  } else if (stance === 'conservative') {
    if (worst) lines.push(`- What the plan glosses over: ${worst}`);
    lines.push(`- ${volatilityWords(s)}: a stop must survive normal noise without risking more than we can stand.`);
    if (s.action === 'BUY' && c < 0.3) {
      lines.push(`- The evidence (${signed(c)}) is too thin to pay for the risk; wait for confirmation.`);
      rec = 'HOLD until the evidence firms up; if the trade is made, half size.';
    } else if (s.action === 'HOLD') {
      rec = 'HOLD; no new risk is warranted.';
    } else {
      lines.push(`- Tighten the stop to 1.5 ATR (${atrLevel(s, -1.5 * dir)}) and take half size.`);
      rec = `${s.action} at half size with the stop at ${atrLevel(s, -1.5 * dir)}.`;
    }
  } else {
    const clip = (t: string) => t.replace(/[.\s]+$/, '');
    lines.push(
      `- Both sides have a point: ${best ? `on the upside, ${clip(best)}` : 'the upside is thin'}; ${worst ? `on the downside, ${clip(worst)}` : 'the reports show little downside'}.`,
    );
    if (s.action === 'HOLD') {
      rec = 'HOLD, and revisit when a report changes its signal.';
    } else {
      lines.push(`- A middle path: two-thirds size, stop at 2 ATR (${atrLevel(s, -2 * dir)}), target at 3 ATR (${atrLevel(s, 3 * dir)}).`);
      rec = `${s.action} at two-thirds size with the trader's levels.`;
    }
  }
  lines.push('', `Recommendation: ${rec}`);
  return lines.join('\n');
}
