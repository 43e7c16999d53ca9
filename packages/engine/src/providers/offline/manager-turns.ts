import { readClosingLines, renderClosingLines, type ClosingLines } from '../../decision/closing-lines.js';
import { describeReadings, gatherEvidence, pointsOf, signed, type Evidence } from './evidence.js';
import { lessonsNote } from './lessons-note.js';
import type { PromptFacts } from './read-prompt.js';
import { DOWN, fmt, OFFLINE_LABEL, plural, UP } from './report-format.js';
import { describePositionAction, planTrade, ratingFromComposite, type TradePlan } from './trade-plan.js';

/** An answer that must end with closing lines: the body and the lines' values (for a corrective retry). */
export interface ClosingAnswer {
  text: string;
  closing: ClosingLines;
}

function finish(body: string[], closing: ClosingLines): ClosingAnswer {
  return { text: `${body.join('\n')}\n\n${renderClosingLines(closing)}`, closing };
}

/** The research manager: weighs the reports and the debate into a rating and an investment plan. */
export function researchManagerTurn(facts: PromptFacts): ClosingAnswer {
  const evidence = gatherEvidence(facts.reports);
  const rating = ratingFromComposite(evidence.composite);
  // The investment view ignores the cost of trading; the trader and the portfolio manager weigh it.
  const plan = planTrade({ ...basePlanInput(facts, evidence, rating), costPerTrade: null });
  const pros = pointsOf(evidence, 1).slice(0, 2);
  const cons = pointsOf(evidence, -1).slice(0, 2);
  const bullTurns = facts.debate.filter((t) => t.speaker === 'bull_researcher').length;
  const bearTurns = facts.debate.filter((t) => t.speaker === 'bear_researcher').length;
  const winner = evidence.composite >= 0.15 ? 'the bull' : evidence.composite <= -0.15 ? 'the bear' : 'neither side';
  const body = [
    `## Investment plan: ${facts.ticker}`,
    '',
    `*Judged by the ${OFFLINE_LABEL} from the reports and the debate.*`,
    '',
    `**Verdict: ${rating}.** After ${plural(bullTurns, 'bull turn')} and ${plural(bearTurns, 'bear turn')}, ${winner} carried the debate: the reports weigh in at ` +
      `${signed(evidence.composite)} on a −1…+1 scale (${describeReadings(evidence.readings) || 'no reports'}).`,
    '',
    '### Decisive arguments',
    ...(pros.length ? pros.map((p) => `- ${UP} Bull (${p.kind}): ${p.text}`) : ['- Bull: no clearly positive reading.']),
    ...(cons.length ? cons.map((p) => `- ${DOWN} Bear (${p.kind}): ${p.text}`) : ['- Bear: no clearly negative reading.']),
    '',
    ...lessonsNote(facts).slice(1),
    ...(facts.lessons ? [''] : []),
    '### Plan for the trader',
    `With the current position ${facts.position.side === 'none' ? 'flat' : facts.position.side}: ${describePositionAction(plan.positionAction)}` +
      (plan.stopLoss !== null ? `, protecting it around ${fmt(plan.stopLoss)} and aiming for ${fmt(plan.takeProfit)}.` : '.'),
    rating === 'Hold'
      ? `Revisit when the weighted balance (now ${signed(evidence.composite)}) leaves the ±0.15 band or a report changes its signal.`
      : `What would prove this wrong: a report flipping its signal, or the weighted balance (now ${signed(evidence.composite)}) falling back inside ±0.15.`,
  ];
  return finish(body, { rating: plan.rating, action: plan.action });
}

/** The plan input every role starts from: the evidence's levels and the stated position and cost. */
export function basePlanInput(facts: PromptFacts, evidence: Evidence, rating: TradePlan['rating']) {
  return {
    rating,
    composite: evidence.composite,
    position: facts.position,
    lastClose: evidence.lastClose,
    atr: evidence.atr,
    costPerTrade: facts.costPerTrade,
    currency: facts.currency,
    stopAtr: 2,
    targetAtr: 3,
  };
}

/** The lines of a plan's levels, in words. */
export function levelLines(plan: TradePlan, currency: string): string[] {
  if (plan.stopLoss === null || plan.takeProfit === null) return ['- No stop or target: no position will be open after this decision.'];
  return [
    `- Entry: ${fmt(plan.entry)} ${currency}`,
    `- Stop loss: ${fmt(plan.stopLoss)} · take profit: ${fmt(plan.takeProfit)}`,
    `- Reward-to-risk: ${plan.rewardRisk === null ? 'n/a (the stop has trailed past the entry)' : fmt(plan.rewardRisk)}`,
  ];
}

/** The trader: turns the investment plan's rating into a trade for the position held. */
export function traderTurn(facts: PromptFacts): ClosingAnswer {
  const evidence = gatherEvidence(facts.reports);
  const stated = readClosingLines(facts.investmentPlan ?? '');
  const rating = stated.rating ?? ratingFromComposite(evidence.composite);
  const plan = planTrade(basePlanInput(facts, evidence, rating));
  const body = [
    `## Trading plan: ${facts.ticker}`,
    '',
    `*Planned by the ${OFFLINE_LABEL} from the investment plan and the reports.*`,
    '',
    `**Proposal: ${plan.action} — ${describePositionAction(plan.positionAction)}.** The investment plan rates ${facts.ticker} ${rating}` +
      `${stated.rating ? '' : ' (read from the reports: the plan stated no rating)'}; last close ${fmt(evidence.lastClose)}, ATR(14) ${fmt(evidence.atr)}.`,
    '',
    '### Levels (stop 2 ATR, target 3 ATR from the last close)',
    ...levelLines(plan, facts.currency),
    ...plan.notes.map((n) => `- Note: ${n}.`),
  ];
  return finish(body, {
    action: plan.action,
    positionAction: plan.positionAction,
    stopLoss: plan.stopLoss,
    takeProfit: plan.takeProfit,
    confidence: plan.confidence,
  });
}
