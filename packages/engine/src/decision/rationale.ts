import { CLOSING_LINE_LABELS } from './closing-lines.js';
import { stripInlineMarkdown } from './summary.js';

const MAX_BULLETS = 8;
const BULLET_RE = /^\s*(?:[-*+•]|\d+[.)])\s+(.+)$/;
const HEADING_RE = /^\s*(?:#{1,6}\s+|\*\*[^*]+\*\*\s*:?\s*$)(.*)$/;
const REASON_HEADING = /rationale|reason|why|thesis|argument|factor|driver|evidence|consideration/i;
const CLOSING_RE = new RegExp(`^(${Object.values(CLOSING_LINE_LABELS).join('|').replace(/ /g, '[\\s_-]+')})\\s*:`, 'i');

function clean(bullet: string): string {
  return stripInlineMarkdown(bullet)
    .replace(/^[▲▼•]\s*/, '')
    .trim();
}

/**
 * The rationale bullets of a decision text: the bullets under a heading such as "Rationale" or "Reasons" when
 * there is one, else every bullet of the text; closing lines excluded, at most eight.
 */
export function readRationale(text: string): string[] {
  const all: string[] = [];
  const underReasons: string[] = [];
  let inReasons = false;
  for (const line of text.split(/\r?\n/)) {
    const heading = line.match(HEADING_RE);
    if (heading) {
      inReasons = REASON_HEADING.test(line);
      continue;
    }
    const bullet = line.match(BULLET_RE)?.[1];
    if (bullet === undefined) continue;
    const item = clean(bullet);
    if (item.length < 3 || CLOSING_RE.test(item)) continue;
    all.push(item);
    if (inReasons) underReasons.push(item);
  }
  return (underReasons.length > 0 ? underReasons : all).slice(0, MAX_BULLETS);
}
