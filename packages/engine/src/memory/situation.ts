import type { Reports } from '../agents/agent-context.js';

const MAX_POINT = 180;
const MAX_SITUATION = 1200;

const LABELS = { market: 'Market', social: 'Sentiment', news: 'News', fundamentals: 'Fundamentals' } as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The key points of one report: its signal line if it has one, and its first two bullet points (or first sentence). */
function keyPoints(report: string): string[] {
  const lines = report.split('\n').map((l) => l.trim());
  const points: string[] = [];
  const signal = lines.find((l) => /^\**signal:/i.test(l));
  if (signal) points.push(signal.replace(/\*/g, ''));
  const bullets = lines.filter((l) => /^[-*•]\s+\S/.test(l)).slice(0, 2);
  if (bullets.length > 0) points.push(...bullets.map((b) => b.replace(/^[-*•]\s+/, '').replace(/\*\*/g, '')));
  else {
    const prose = lines.find((l) => l !== '' && !l.startsWith('#') && !l.startsWith('|') && l !== signal);
    if (prose) points.push(prose.split(/(?<=\.)\s/)[0] ?? prose);
  }
  return points.map((p) => clip(p, MAX_POINT));
}

/**
 * The situation of a decision in a few lines: each analyst report's key points. It is what a lesson stores,
 * and what retrieval matches similar situations of other tickers against.
 */
export function situationOf(reports: Reports): string {
  const parts: string[] = [];
  for (const kind of ['market', 'social', 'news', 'fundamentals'] as const) {
    const report = reports[kind];
    if (!report) continue;
    const points = keyPoints(report);
    if (points.length > 0) parts.push(`${LABELS[kind]}: ${points.join(' · ')}`);
  }
  return clip(parts.join('\n'), MAX_SITUATION);
}
