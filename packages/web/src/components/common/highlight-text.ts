import { h, type FunctionalComponent } from 'vue';
import { highlightParts } from '../../lib/log-filter.js';

/**
 * Text with every case-insensitive hit of `query` wrapped in `<mark>`. A render function, because in a template
 * the whitespace between the pieces would show up as stray spaces.
 */
export const HighlightText: FunctionalComponent<{ text: string; query: string }> = (props) =>
  highlightParts(props.text, props.query).map((part) => (part.match ? h('mark', part.text) : part.text));
HighlightText.props = ['text', 'query'];
