import type { Lesson } from '@tradingfloor/shared';

/** A ratio as a signed percentage, e.g. +3.10 %. */
export function signedPct(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a';
  const pct = ratio * 100;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`;
}

/** Model text inside our tags must not open or close one of them (the offline model reads the tags). */
function untag(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›').trim();
}

/** One lesson's heading line: ticker, dates, action and returns. */
function lessonHeadline(l: Lesson): string {
  const alpha = l.alpha === null ? '' : `, alpha vs SPY ${signedPct(l.alpha)}`;
  return `${l.ticker} ${l.action} on ${l.decision_date}, judged ${l.outcome_date} (${l.horizon} trading days): return ${signedPct(l.realised_return)}, decision ${signedPct(l.decision_return)}${alpha}`;
}

/**
 * The "lessons from past decisions" section of the research and portfolio managers' prompts. Every lesson
 * shown was judged on or before the trade date.
 */
export function renderLessonsBlock(lessons: readonly Lesson[], tradeDate: string): string {
  const intro =
    `Lessons from past decisions — each judged at a close on or before ${tradeDate}. ` +
    'Use them to avoid repeating mistakes; they are not evidence about today.';
  if (lessons.length === 0) return `<lessons>\n${intro}\n(no lessons yet)\n</lessons>`;
  const body = lessons.map(
    (l) =>
      `<lesson ticker="${l.ticker}" decided="${l.decision_date}" judged="${l.outcome_date}">\n${untag(lessonHeadline(l))}\n${untag(l.text)}\n</lesson>`,
  );
  return ['<lessons>', intro, ...body, '</lessons>'].join('\n');
}

/** `reports/lessons.md`: what the run's managers were shown, for a person. */
export function renderLessonsMarkdown(lessons: readonly Lesson[], tradeDate: string): string {
  const lines = [
    '# Lessons from past decisions',
    '',
    `Shown to the research manager and the portfolio manager; every lesson was judged on or before ${tradeDate}.`,
    '',
  ];
  if (lessons.length === 0)
    lines.push('_No lessons yet: no earlier decision of this ticker or a similar one had reached its outcome date._', '');
  for (const l of lessons) {
    lines.push(
      `## ${lessonHeadline(l)}`,
      '',
      `**Situation then:** ${l.situation.replace(/\n/g, ' · ') || '(none recorded)'}`,
      '',
      l.text.trim(),
      '',
      `_Reflection by ${l.reflected_by}; run ${l.run_id}._`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
