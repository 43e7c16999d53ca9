import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in the source is never passed through: model output is untrusted text.
// Model answers are line-oriented (closing lines, figures one per line): keep their line breaks.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'del',
    's',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Links open away from the app and never pass our page to the target.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/**
 * Renders untrusted markdown (a model's answer) to HTML that is safe to put in the page: markdown-it with
 * raw HTML disabled, then sanitize-html with a small allow-list. `<script>`, event handlers (`onerror=`)
 * and `javascript:` links never survive.
 */
export function renderMarkdownSafe(markdown: string): string {
  return sanitizeHtml(md.render(markdown), SANITIZE);
}
