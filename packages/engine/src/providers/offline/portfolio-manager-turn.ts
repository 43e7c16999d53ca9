import type { Rating } from '@tradingfloor/shared';
import { readClosingLines, renderClosingLines } from '../../decision/closing-lines.js';
import { describeReadings, gatherEvidence, pointsOf, signed } from './evidence.js';
import { basePlanInput, levelLines, type ClosingAnswer } from './manager-turns.js';
import { lessonsNote } from './lessons-note.js';
import type { PromptFacts } from './read-prompt.js';
import { fmt, OFFLINE_LABEL } from './report-format.js';
import { describePositionAction, planTrade, ratingFromComposite } from './trade-plan.js';

/** One notch towards Hold: the conservative case trims conviction, it does not flip it. */
const SOFTER: Record<Rating, Rating> = {
  Buy: 'Overweight',
  Overweight: 'Overweight',
  Hold: 'Hold',
  Underweight: 'Underweight',
  Sell: 'Underweight',
};

type Stance = 'conservative' | 'aggressive' | 'neutral';
/** Share of a full position each winning stance takes, and how the text says it. */
const SIZE_OF: Record<Stance, number> = { conservative: 0.5, aggressive: 1, neutral: 0.67 };
const SIZE_WORDS: Record<Stance, string> = { conservative: 'half', aggressive: 'full', neutral: 'two-thirds of full' };

/**
 * The portfolio manager of the offline model: starts from the research manager's rating, lets the risk debate
 * settle size and levels (high volatility or thin evidence → the conservative case; strong, calm evidence → the
 * aggressive one; otherwise the neutral middle), then decides for the position held and the cost of trading.
 */
export function portfolioManagerTurn(facts: PromptFacts): ClosingAnswer {
  const evidence = gatherEvidence(facts.reports);
  const stated = readClosingLines(facts.investmentPlan ?? '');
  const trader = readClosingLines(facts.traderPlan ?? '');
  const baseRating = stated.rating ?? ratingFromComposite(evidence.composite);
  const atrPct = evidence.lastClose && evidence.atr ? (evidence.atr / evidence.lastClose) * 100 : null;
  const strength = Math.abs(evidence.composite);
  let winner: Stance = 'neutral';
  let why = `the evidence (${signed(evidence.composite)}) and the volatility are both middling`;
  if ((atrPct !== null && atrPct > 4) || strength < 0.25) {
    winner = 'conservative';
    why =
      atrPct !== null && atrPct > 4
        ? `volatility is high (ATR ${fmt(atrPct, 1)}% of price)`
        : `the evidence is thin (composite ${signed(evidence.composite)})`;
  } else if (strength >= 0.5 && atrPct !== null && atrPct <= 2.5) {
    winner = 'aggressive';
    why = `the evidence is strong (${signed(evidence.composite)}) and volatility calm (ATR ${fmt(atrPct, 1)}% of price)`;
  }
  const rating = winner === 'conservative' ? SOFTER[baseRating] : baseRating;
  const input = basePlanInput(facts, evidence, rating);
  const plan = planTrade({ ...input, stopAtr: winner === 'conservative' ? 1.5 : 2, targetAtr: winner === 'aggressive' ? 4 : 3 });
  // The risk debate's winner sets the size of a trade; a plan without a stop (HOLD) takes no position.
  const size = plan.stopLoss !== null ? SIZE_OF[winner] : undefined;
  const spoke = facts.debate.some((t) => t.speaker.endsWith('_analyst'));

  const top = pointsOf(evidence, plan.action === 'SELL' ? -1 : 1).slice(0, 3);
  const against = pointsOf(evidence, plan.action === 'SELL' ? 1 : -1)[0];
  const body = [
    `## Portfolio decision: ${facts.ticker} (${facts.tradeDate ?? 'trade date unknown'})`,
    '',
    `*Decided by the ${OFFLINE_LABEL} from the reports, the plans and the risk debate.*`,
    '',
    `**${plan.rating} ${facts.ticker}: ${plan.action} — ${describePositionAction(plan.positionAction)}.** ` +
      `The research manager rated it ${baseRating} and the trader proposed ${trader.action ?? 'no clear transaction'}; ` +
      (spoke ? `in the risk debate the ${winner} case carried because ${why}.` : `there was no risk debate; ${why}.`),
    '',
    '### Rationale',
    `- Report signals: ${describeReadings(evidence.readings) || 'none'}; weighted composite ${signed(evidence.composite)}.`,
    ...top.map((p) => `- (${p.kind}) ${p.text}`),
    ...(against ? [`- Against, and weighed: (${against.kind}) ${against.text}`] : []),
    ...plan.notes.map((n) => `- Note: ${n}.`),
    ...lessonsNote(facts),
    '',
    '### Risk management',
    ...levelLines(plan, facts.currency),
    ...(size !== undefined ? [`- Size: ${SIZE_WORDS[winner]} size.`] : []),
    `- Reverse if: ${plan.stopLoss !== null ? 'the price closes beyond the stop, or ' : ''}the reports' weighted balance changes sign.`,
  ];
  const closing = {
    rating: plan.rating,
    action: plan.action,
    positionAction: plan.positionAction,
    stopLoss: plan.stopLoss,
    takeProfit: plan.takeProfit,
    // Conviction trimmed by the risk committee shows in the confidence too.
    confidence: winner === 'conservative' && plan.action !== 'HOLD' ? Math.round(plan.confidence * 85) / 100 : plan.confidence,
    ...(size !== undefined ? { positionSize: size } : {}),
  };
  return { text: `${body.join('\n')}\n\n${renderClosingLines(closing)}`, closing };
}
