/**
 * Helpers that put untrusted model markdown inside our own document: its headings are pushed below ours, and
 * in the Markdown export raw HTML is neutralised so a viewer that renders HTML in Markdown shows it as text.
 */

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^(\s{0,3})(#{1,6})(?=\s|$)/;

/** Runs `edit` on every line outside fenced code blocks. */
function outsideFences(markdown: string, edit: (line: string) => string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (FENCE.test(line)) {
        fenced = !fenced;
        return line;
      }
      return fenced ? line : edit(line);
    })
    .join('\n');
}

/** Shifts the headings of `markdown` so that its top one is at least level `minLevel` (capped at 6), keeping their relative levels. */
export function demoteHeadings(markdown: string, minLevel: number): string {
  let top = 7;
  outsideFences(markdown, (line) => {
    const m = HEADING.exec(line);
    if (m) top = Math.min(top, m[2]!.length);
    return line;
  });
  const shift = Math.max(0, minLevel - top);
  if (shift === 0) return markdown;
  return outsideFences(markdown, (line) =>
    line.replace(HEADING, (_, indent: string, hashes: string) => `${indent}${'#'.repeat(Math.min(6, hashes.length + shift))}`),
  );
}

/** Escapes `<` outside fenced code so that no raw HTML (a `<script>`, an `onerror=` attribute) survives as markup. */
export function neutraliseHtml(markdown: string): string {
  return outsideFences(markdown, (line) => line.replace(/</g, '&lt;'));
}

/** A value for one cell of a Markdown table: one line, `|` escaped, no raw HTML. */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}
