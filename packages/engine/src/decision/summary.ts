import { CLOSING_LINE_LABELS } from './closing-lines.js';

const MAX_SUMMARY_CHARS = 320;
const CLOSING_LABEL_RE = new RegExp(`^(${Object.values(CLOSING_LINE_LABELS).join('|').replace(/ /g, '[\\s_-]+')})\\s*:`, 'i');

/** Removes inline markdown (emphasis, code, links) from a line. */
export function stripInlineMarkdown(line: string): string {
  return line
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?=$|[^\w*])/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .trim();
}

/** A line that carries no prose: heading, table, rule, code fence, tag, closing line or a whole-line aside in italics. */
function isNoise(line: string): boolean {
  const t = line.trim();
  if (t === '' || /^(#|\||```|<|>?\s*$)/.test(t) || /^[-*_=]{3,}$/.test(t)) return true;
  if (/^(\*[^*].*\*|_[^_].*_)$/.test(t)) return true;
  return CLOSING_LABEL_RE.test(stripInlineMarkdown(t).replace(/^[-*>\s]+/, ''));
}

const BULLET_RE = /^\s*(?:[-*+•]|\d+[.)])\s+/;

function sentences(paragraph: string, max: number): string {
  const parts = paragraph.split(/(?<=[.!?])\s+(?=["“(]?[A-Z0-9])/);
  let out = '';
  for (const p of parts.slice(0, max)) {
    if (out && out.length + p.length + 1 > MAX_SUMMARY_CHARS) break;
    out = out ? `${out} ${p}` : p;
  }
  return out.length > MAX_SUMMARY_CHARS ? `${out.slice(0, MAX_SUMMARY_CHARS - 1).trimEnd()}…` : out;
}

/**
 * The first meaningful sentence(s) of a text: the first prose paragraph (headings, tables, closing lines and
 * asides skipped), or the first bullet when there is no prose. Empty string for a text without either.
 */
export function firstSentences(text: string, max = 2): string {
  const lines = text.split(/\r?\n/);
  let paragraph: string[] = [];
  for (const line of lines) {
    const prose = !isNoise(line) && !BULLET_RE.test(line);
    if (prose) paragraph.push(stripInlineMarkdown(line.replace(/^\s*>\s?/, '')));
    else if (paragraph.length > 0) break;
  }
  if (paragraph.length === 0) {
    const bullet = lines.find((l) => BULLET_RE.test(l) && !isNoise(l.replace(BULLET_RE, '')));
    paragraph = bullet ? [stripInlineMarkdown(bullet.replace(BULLET_RE, ''))] : [];
  }
  return sentences(paragraph.join(' ').replace(/\s+/g, ' ').trim(), max);
}
