import type { ContentPart, ContentPatch } from './ws.js';

/** Shortest run of characters sent as a copy: a reference (`["node.id",1234,567]`) costs some 30 to 50 bytes. */
export const MIN_COPY_LENGTH = 48;

/**
 * Turns a run's content patches into ones that reference text its clients already hold: the server side of the
 * `append_parts` mode. Only a node's siblings are looked in — the same agent's other nodes, whose ids share all
 * but their last part — because that is where a text repeats by construction: a debate agent's or a manager's
 * `messages` node repeats its `report` (`"### Round 1\n\n" + message`, then the message + `"\n"`), in the same
 * patch message or a later one. An `append` of at least {@link MIN_COPY_LENGTH} characters that a sibling holds
 * whole goes as one copy of it; one that holds the text a sibling was last given goes as literal text around a
 * copy of that. Other patches go as they are.
 *
 * Why siblings only: a search of every text held (rolling-hash probes, tried on 2026-12-07) copied ~3 KiB more a
 * run on the bench — mostly the fake model's answer template repeated across agents, which real answers do not
 * share — for ~0.5–1 ms of serving-thread CPU a run, which the event-loop figures at 100 live runs could not
 * afford. Two `indexOf`s per sibling cost a few µs.
 *
 * One per patch stream: it keeps the texts sent. It must be shown every patch the stream sends (`encode`), in
 * order, from the contents it was made with: its texts are then the clients' texts.
 */
export class ContentCopier {
  /** The texts the clients hold, by node id. */
  private readonly held = new Map<string, string>();
  /** What each node was last given (its latest append, or its whole text when it was replaced). */
  private readonly latest = new Map<string, string>();
  /** Node ids by family (the id without its last part). */
  private readonly families = new Map<string, string[]>();

  /** `contents`: the texts the clients hold to begin with (the contents a new stream sends in `init_run`). */
  constructor(contents: Readonly<Record<string, string>>) {
    for (const [id, text] of Object.entries(contents)) this.learn(id, text, false);
  }

  /**
   * `patches` (from `diffContents(sent, next)`, `sent` being the contents as last sent) with copies where they
   * pay. `applyContentPatches(sent, encode(patches))` equals `applyContentPatches(sent, patches)`.
   */
  encode(patches: readonly ContentPatch[]): ContentPatch[] {
    const out: ContentPatch[] = [];
    for (const patch of patches) {
      if (patch.mode === 'replace') {
        out.push(patch);
        this.learn(patch.id, patch.content, false);
        continue;
      }
      const added = patch.mode === 'append' ? patch.text : this.joinLiteral(patch.parts);
      const parts = this.parts(patch.id, added);
      out.push(parts === null ? patch : { id: patch.id, mode: 'append_parts', parts });
      this.learn(patch.id, added, true);
    }
    return out;
  }

  /** `added` as copies of a sibling's text and literal text, or null when no copy pays. */
  private parts(id: string, added: string): ContentPart[] | null {
    if (added.length < MIN_COPY_LENGTH) return null;
    for (const sibling of this.families.get(familyOf(id)) ?? []) {
      if (sibling === id) continue;
      const text = this.held.get(sibling)!;
      // The whole addition is held (a messages node after its report).
      const at = text.lastIndexOf(added);
      if (at >= 0 && wholeCharacters(added)) return [[sibling, at, added.length]];
      // The sibling's latest text is inside the addition (a report after its messages node).
      const recent = this.latest.get(sibling)!;
      const from = recent.length >= MIN_COPY_LENGTH ? added.indexOf(recent) : -1;
      if (from >= 0 && wholeCharacters(recent)) {
        const parts: ContentPart[] = [];
        if (from > 0) parts.push(added.slice(0, from));
        parts.push([sibling, text.length - recent.length, recent.length]);
        if (from + recent.length < added.length) parts.push(added.slice(from + recent.length));
        return parts;
      }
    }
    return null;
  }

  /** The node's text as the clients now hold it: `text` appended to it (`append`) or in its place. */
  private learn(id: string, text: string, append: boolean): void {
    const before = this.held.get(id);
    if (before === undefined) {
      const family = familyOf(id);
      const members = this.families.get(family);
      if (members) members.push(id);
      else this.families.set(family, [id]);
    }
    this.held.set(id, append ? (before ?? '') + text : text);
    this.latest.set(id, text);
  }

  /** The text of an `append_parts` patch's parts (`diffContents` yields none; this keeps `encode` total). */
  private joinLiteral(parts: readonly ContentPart[]): string {
    return parts.map((p) => (typeof p === 'string' ? p : (this.held.get(p[0]) ?? '').slice(p[1], p[1] + p[2]))).join('');
  }
}

/** A node's family: its id without the last dot-separated part (`research_debate.bull.report` → `research_debate.bull`). */
function familyOf(id: string): string {
  const dot = id.lastIndexOf('.');
  return dot < 0 ? '' : id.slice(0, dot);
}

/** Whether a copy of `text` begins and ends on whole characters (no half of a surrogate pair at either end). */
function wholeCharacters(text: string): boolean {
  return !isLowSurrogate(text.charCodeAt(0)) && !isHighSurrogate(text.charCodeAt(text.length - 1));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
