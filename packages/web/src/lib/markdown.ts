import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

// Model output is untrusted: raw HTML in the markdown is escaped (html: false), and the rendered HTML still
// goes through DOMPurify in case a renderer rule or plugin ever lets markup through.
// Model answers are line-oriented (closing lines, figures one per line): keep their line breaks.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });

const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
};

let hooked = false;
function addLinkHook(): void {
  if (hooked) return;
  hooked = true;
  // Links from reports open in a new tab and cannot reach back into this page.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/** A list item that starts with a bullet glyph of its own ("- • point"): rendered, it showed two bullets. */
const DOUBLED_BULLET = /^(\s*(?:[-*+]|\d+[.)])\s+)[•·●▪‣◦]\s+/gm;

/**
 * The markdown-it step alone: raw HTML in the source comes out escaped, script URLs are not linked, and a
 * bullet glyph a model put after a list marker is dropped (the list draws its own).
 */
export function markdownToHtml(source: string): string {
  return md.render(source.replace(DOUBLED_BULLET, '$1'));
}

/** Markdown (from a model or a report) to HTML that is safe to put in the page with `v-html`. */
export function renderMarkdown(source: string): string {
  addLinkHook();
  return DOMPurify.sanitize(markdownToHtml(source), PURIFY);
}
