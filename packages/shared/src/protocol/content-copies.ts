import type { ContentPart, ContentPatch } from './ws.js';

/** Shortest run of characters sent as a copy: a reference (`["node.id",1234,567]`) costs some 30 to 50 bytes. */
export const MIN_COPY_LENGTH = 48;

/**
 * Length of the probes the index is keyed by. Sources are indexed at every PROBE-th position, so any repeat of
 * at least 2 × PROBE − 1 characters contains an indexed probe and is found (shorter ones may be).
 */
const PROBE = 24;

/** Places kept per probe (the latest): bounds the work on texts that repeat a line many times. */
const MAX_PLACES = 8;

/** Where a node's text was indexed up to, and that text (a replaced text is indexed anew). */
interface Indexed {
  text: string;
  next: number;
}

/**
 * Turns a run's content patches into the ones that reference text its clients already hold: the server side of
 * the `append_parts` mode. A text a client has (the contents as last sent, and the texts earlier patches of the
 * same message give) is not sent again: a debate agent's or a manager's `messages` node repeats its `report`
 * (`"### Round 1\n\n" + message`, the message + `"\n"`), two analysts that call the same tool read the same
 * result, and the final decision's text is the portfolio manager's report. An `append` whose text holds a run of
 * at least {@link MIN_COPY_LENGTH} characters found in such a text goes as `append_parts`: literal text and
 * `[node_id, start, length]` copies; other patches go as they are.
 *
 * One per patch stream: it keeps an index of the texts sent (a probe every PROBE characters), which grows with
 * them, so a flush costs about the length of what it sends, not of all the run's texts. It relies on being shown
 * every patch the stream sends (`encode`), in order, starting from the contents it was made with.
 */
export class ContentCopier {
  private readonly places = new Map<string, Array<[id: string, at: number]>>();
  private readonly indexed = new Map<string, Indexed>();

  constructor(contents: Readonly<Record<string, string>>) {
    for (const [id, text] of Object.entries(contents)) this.learn(id, text);
  }

  /**
   * `patches` (from `diffContents(contents, next)`) with copies where they pay. `contents`: what the clients hold
   * before them (the contents as last sent). `applyContentPatches(contents, encode(contents, patches))` equals
   * `applyContentPatches(contents, patches)`.
   */
  encode(contents: Readonly<Record<string, string>>, patches: readonly ContentPatch[]): ContentPatch[] {
    const texts: Record<string, string> = { ...contents };
    const out: ContentPatch[] = [];
    for (const patch of patches) {
      let text: string;
      if (patch.mode === 'replace') {
        text = patch.content;
        out.push(patch);
      } else {
        const added = patch.mode === 'append' ? patch.text : joinLiteral(texts, patch.parts);
        const parts = added.length >= MIN_COPY_LENGTH ? this.parts(texts, added) : null;
        out.push(parts === null ? patch : { id: patch.id, mode: 'append_parts', parts });
        text = (texts[patch.id] ?? '') + added;
      }
      texts[patch.id] = text;
      this.learn(patch.id, text);
    }
    return out;
  }

  /** `added` as literal runs and copies of `texts`, or null when no copy pays. */
  private parts(texts: Readonly<Record<string, string>>, added: string): ContentPart[] | null {
    const parts: ContentPart[] = [];
    let literalFrom = 0;
    let i = 0;
    while (i + PROBE <= added.length) {
      let found = this.longestAt(texts, added, i, literalFrom);
      if (found === null) {
        i++;
        continue;
      }
      // A longer run may start a little later in a text indexed at other places (a messages node that repeats
      // its report after the report's round heading): the next PROBE − 1 positions are looked at too.
      for (let j = i + 1; j < i + PROBE && j + PROBE <= added.length; j++) {
        const later = this.longestAt(texts, added, j, literalFrom);
        if (later !== null && later[3] > found[3]) found = later;
      }
      const [id, from, at, length] = found;
      if (from > literalFrom) parts.push(added.slice(literalFrom, from));
      parts.push([id, at, length]);
      i = literalFrom = from + length;
    }
    if (parts.length === 0) return null;
    if (literalFrom < added.length) parts.push(added.slice(literalFrom));
    return parts;
  }

  /**
   * The longest run of `added` around position `i` (reaching back no further than `literalFrom`) found in a
   * text the client holds, as `[node id, start in added, start in that text, length]`; null when none is
   * {@link MIN_COPY_LENGTH} long. Never splits a surrogate pair at its ends.
   */
  private longestAt(
    texts: Readonly<Record<string, string>>,
    added: string,
    i: number,
    literalFrom: number,
  ): [id: string, from: number, at: number, length: number] | null {
    const candidates = this.places.get(added.slice(i, i + PROBE));
    if (candidates === undefined) return null;
    let best: [string, number, number, number] | null = null;
    for (const [id, at] of candidates) {
      const source = texts[id];
      // A place of a text since replaced, or past what this message's earlier patches left, is skipped.
      if (source === undefined || !source.startsWith(added.slice(i, i + PROBE), at)) continue;
      let ahead = PROBE;
      while (i + ahead < added.length && at + ahead < source.length && added.charCodeAt(i + ahead) === source.charCodeAt(at + ahead)) ahead++;
      let back = 0;
      while (i - back > literalFrom && at - back > 0 && added.charCodeAt(i - back - 1) === source.charCodeAt(at - back - 1)) back++;
      let from = i - back;
      let start = at - back;
      let length = back + ahead;
      if (isLowSurrogate(added.charCodeAt(from))) {
        from++;
        start++;
        length--;
      }
      if (isHighSurrogate(added.charCodeAt(from + length - 1))) length--;
      if (length >= MIN_COPY_LENGTH && (best === null || length > best[3])) best = [id, from, start, length];
    }
    return best;
  }

  /** Indexes `text`, the node's text as the clients now hold it: only what it added when it grew. */
  private learn(id: string, text: string): void {
    let entry = this.indexed.get(id);
    if (entry === undefined || !text.startsWith(entry.text)) {
      entry = { text, next: 0 };
      this.indexed.set(id, entry);
    }
    entry.text = text;
    for (; entry.next + PROBE <= text.length; entry.next += PROBE) {
      const probe = text.slice(entry.next, entry.next + PROBE);
      const list = this.places.get(probe);
      if (list === undefined) this.places.set(probe, [[id, entry.next]]);
      else {
        list.push([id, entry.next]);
        if (list.length > MAX_PLACES) list.shift();
      }
    }
  }
}

/** The text of literal parts only (what `diffContents` yields never has copies; this keeps `encode` total). */
function joinLiteral(texts: Readonly<Record<string, string>>, parts: readonly ContentPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : (texts[p[0]] ?? '').slice(p[1], p[1] + p[2]))).join('');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
