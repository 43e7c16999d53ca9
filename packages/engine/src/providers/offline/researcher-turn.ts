import { firstSentences } from '../../decision/summary.js';
import { describeReadings, gatherEvidence, pointsOf, signed, type Evidence, type Point } from './evidence.js';
import type { PromptFacts, StatedTurn } from './read-prompt.js';
import { DOWN, FLAT, OFFLINE_LABEL, UP } from './report-format.js';

type Side = 'bull' | 'bear';

const ROLE: Record<Side, string> = { bull: 'bull_researcher', bear: 'bear_researcher' };
const NAME: Record<Side, string> = { bull: 'bull', bear: 'bear' };

/** How a researcher writes one of its points, e.g. `- ▲ (market) Trend: …`; the other side reads them back. */
function pointLine(p: Point): string {
  return `- ${p.tone > 0 ? UP : DOWN} (${p.kind}) ${p.text}`;
}

/** The points of an earlier turn, as written by `pointLine`. */
function pointsInTurn(turn: StatedTurn): Array<{ kind: string; text: string }> {
  return [...turn.text.matchAll(/^- [▲▼◆•] \((\w+)\) (.+)$/gm)].map((m) => ({ kind: m[1] ?? '', text: m[2] ?? '' }));
}

/** Ways to concede a point that the figures do support, varied so that two concessions do not read the same. */
const CONCESSIONS: Record<Side, readonly string[]> = {
  bull: [
    'that is what the figures show, but it is known and priced; nothing in the reports says it must last',
    'a real weakness, yet one factor among many, and not the one that decides the trend',
  ],
  bear: [
    'that is what the figures show; my point is how much of it the price already reflects',
    'a fair reading, but strength already in the price is where disappointments come from',
  ],
};

/** Rebuts one claim of the other side with a point of ours from the same report, or the report's overall verdict. */
function rebut(side: Side, claim: { kind: string; text: string }, evidence: Evidence, spare: Point[], nth: number): string {
  const tone = side === 'bull' ? 1 : -1;
  const quote = `The ${NAME[side === 'bull' ? 'bear' : 'bull']} says: "${claim.text}"`;
  const sameReport = spare.findIndex((p) => p.kind === claim.kind);
  if (sameReport >= 0) {
    const [p] = spare.splice(sameReport, 1);
    return `- ${quote} — but the same ${claim.kind} report also shows: ${p?.text}`;
  }
  const reading = evidence.readings.find((r) => r.kind === claim.kind);
  if (reading && Math.sign(reading.normalized) === tone) {
    return `- ${quote} — one factor; the ${claim.kind} report as a whole reads ${reading.label}, so it does not carry the conclusion.`;
  }
  if (Math.sign(evidence.composite) === tone) {
    return `- ${quote} — true of the ${claim.kind} report, but across all reports the weighted balance is ${signed(evidence.composite)}, on my side.`;
  }
  const concessions = CONCESSIONS[side];
  return `- ${quote} — granted: ${concessions[nth % concessions.length]}.`;
}

/** One researcher turn of the offline model: answer the other side's latest points, then make new ones. */
export function researcherTurn(side: Side, facts: PromptFacts): string {
  const evidence = gatherEvidence(facts.reports);
  const tone = side === 'bull' ? 1 : -1;
  const mine = facts.debate.filter((t) => t.speaker === ROLE[side]);
  const round = mine.length + 1;
  const earlier = mine.map((t) => t.text).join('\n');
  const ours = pointsOf(evidence, tone);
  const fresh = ours.filter((p) => !earlier.includes(p.text));
  const opponent = [...facts.debate].reverse().find((t) => t.speaker === ROLE[side === 'bull' ? 'bear' : 'bull']);

  const lines = [
    `## ${side === 'bull' ? 'Bull' : 'Bear'} case: ${facts.ticker} (round ${round})`,
    '',
    `*Argued by the ${OFFLINE_LABEL} from the analyst reports.*`,
    '',
    `Report signals: ${describeReadings(evidence.readings) || 'no reports'}; weighted composite ${signed(evidence.composite)}.`,
  ];
  const spare = fresh.slice(4);
  if (opponent) {
    const claims = pointsInTurn(opponent).slice(0, 2);
    lines.push('', `### Answering the ${side === 'bull' ? 'bear' : 'bull'}`);
    const gist = opponent.text.match(/^Bottom line:\s*(.+)$/m)?.[1] ?? firstSentences(opponent.text, 1);
    if (claims.length > 0) lines.push(...claims.map((c, i) => rebut(side, c, evidence, spare, i)));
    else lines.push(`- The ${side === 'bull' ? 'bear' : 'bull'} concludes: "${gist}" — the figures below say otherwise.`);
  }
  const title = side === 'bull' ? `Why the upside wins for ${facts.ticker}` : `Why the risks outweigh the upside for ${facts.ticker}`;
  lines.push('', `### ${title}`);
  const picked = fresh.slice(0, 4);
  const caveats = evidence.readings.flatMap((r) => r.points.filter((p) => p.tone === 0)).slice(0, 2);
  if (picked.length > 0) lines.push(...picked.map(pointLine));
  else if (ours.length > 0) {
    // Nothing new to add: point back at the earlier points by name instead of repeating them.
    const names = ours.slice(0, 3).map((p) => `${p.text.split(':')[0]} (${p.kind})`);
    lines.push(`- My earlier points still stand and were not refuted with figures: ${names.join(', ')}.`);
  } else if (caveats.length > 0) {
    lines.push(`- No report gives a clearly ${side === 'bull' ? 'positive' : 'negative'} reading; the caveats I would weigh:`);
    lines.push(...caveats.map((p) => `- ${FLAT} (${p.kind}) ${p.text}`));
  } else
    lines.push(`- No report gives a clearly ${side === 'bull' ? 'positive' : 'negative'} reading; my case rests on the balance below.`);

  const favoured = tone * evidence.composite >= 0.15;
  const against = tone * evidence.composite <= -0.15;
  const bottom =
    side === 'bull'
      ? favoured
        ? `the evidence favours owning ${facts.ticker} (composite ${signed(evidence.composite)}).`
        : against
          ? `the balance leans against me (composite ${signed(evidence.composite)}); ${ours.length ? 'the points above are why selling in a hurry would be a mistake' : 'I have no figures to set against it, only that such a reading leaves room for a rebound'}.`
          : `the picture is mixed (composite ${signed(evidence.composite)}); the points above tip it towards patience with a long bias.`
      : favoured
        ? `the evidence says reduce or avoid ${facts.ticker} (composite ${signed(evidence.composite)}).`
        : against
          ? `the balance leans against me (composite ${signed(evidence.composite)}); ${ours.length ? 'the risks above argue against chasing the stock' : 'I have no figures to set against it, only that such a reading leaves little room for upside surprise'}.`
          : `the picture is mixed (composite ${signed(evidence.composite)}); with these risks there is no reason to add exposure.`;
  lines.push('', `Bottom line: ${bottom}`);
  return lines.join('\n');
}
