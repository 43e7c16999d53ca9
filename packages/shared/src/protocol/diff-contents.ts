import type { ContentPatch } from './ws.js';

/**
 * The content patches that turn `prev` into `next` (node id → text): `append` when the new text extends the
 * old one, else `replace`. Unchanged ids produce nothing; ids missing from `next` are left alone (contents
 * only grow). `applyContentPatches(prev, diffContents(prev, next))` equals `next` on the ids of `next`.
 */
export function diffContents(prev: Record<string, string>, next: Record<string, string>): ContentPatch[] {
  const patches: ContentPatch[] = [];
  for (const [id, text] of Object.entries(next)) {
    const old = prev[id];
    if (old === text) continue;
    if (old === undefined || text.startsWith(old)) patches.push({ id, mode: 'append', text: text.slice(old?.length ?? 0) });
    else patches.push({ id, mode: 'replace', content: text });
  }
  return patches;
}
