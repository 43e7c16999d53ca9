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

/** A run of added text found in a text the client holds: `[node id, start in added, start in that text, length]`. */
type Copy = [id: string, from: number, at: number, length: number];

/** Where a node's text was indexed up to, and that text (a replaced text is indexed anew). */
interface Indexed {
  text: string;
  next: number;
}

/**
 * Turns a run's content patches into the ones that reference text its clients already hold: the server side of
 * the `append_parts` mode. A text a client has (the contents as last sent, and the texts earlier patches of the
 * same message give) is not sent again: a debate agent's or a manager's `messages` node repeats its `report`
 * (`"### Round 1\n\n" + message`, the message + `"\n"`), and two analysts that call the same tool read the same
 * result. An `append` whose text holds a run of
 * at least {@link MIN_COPY_LENGTH} characters found in such a text goes as `append_parts`: literal text and
 * `[node_id, start, length]` copies; other patches go as they are.
 *
 * One per patch stream: it keeps the texts sent and an index of them (a probe every PROBE characters), which
 * grows with them, so a flush costs about the length of what it sends, not of all the run's texts. It must be
 * shown every patch the stream sends (`encode`), in order, from the contents it was made with: its texts are
 * then the clients' texts.
 */
export class ContentCopier {
  /** Indexed places by the hash of the PROBE characters there ({@link probeHashes}). */
  private readonly places = new Map<number, Array<[id: string, at: number]>>();
  /**
   * A bit per value of a hash's low 16 bits, set when a place has it: most positions of a new text have no
   * place, and this says so cheaper than the map (8 KiB a stream).
   */
  private readonly maybe = new Uint32Array(1 << 11);
  private readonly indexed = new Map<string, Indexed>();

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
      const added = flat(patch.mode === 'append' ? patch.text : this.joinLiteral(patch.parts));
      const parts = added.length >= MIN_COPY_LENGTH ? this.parts(added) : null;
      out.push(parts === null ? patch : { id: patch.id, mode: 'append_parts', parts });
      this.learn(patch.id, added, true);
    }
    return out;
  }

  /** `added` as literal runs and copies of the texts held, or null when no copy pays. */
  private parts(added: string): ContentPart[] | null {
    const hashes = probeHashes(added);
    const parts: ContentPart[] = [];
    let literalFrom = 0;
    let i = 0;
    while (i < hashes.length) {
      if (!this.mayHave(hashes[i]!)) {
        i++;
        continue;
      }
      let found = this.longestAt(added, hashes, i, literalFrom);
      if (found === null) {
        i++;
        continue;
      }
      // A longer run may start a little later in a text indexed at other places (a messages node that repeats
      // its report after the report's round heading): the next PROBE − 1 positions are looked at too.
      for (let j = i + 1; j < i + PROBE && j < hashes.length; j++) {
        const later = this.longestAt(added, hashes, j, literalFrom, found);
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
   * text the client holds; null when none is {@link MIN_COPY_LENGTH} long. Never splits a surrogate pair at
   * its ends. `known`: a run already found, whose own alignment (the same text, the same offset) is not
   * measured again: it would give the same run.
   */
  private longestAt(
    added: string,
    hashes: Int32Array,
    i: number,
    literalFrom: number,
    known?: Copy,
  ): Copy | null {
    const candidates = this.places.get(hashes[i]!);
    if (candidates === undefined) return null;
    let best: Copy | null = null;
    for (const [id, at] of candidates) {
      if (known !== undefined && id === known[0] && at - i === known[2] - known[1]) continue;
      // A place of a text since replaced is checked against the text as it is now, like a hash that matched other
      // characters: fewer than PROBE characters in common and it is skipped.
      const source = this.indexed.get(id)?.text;
      if (source === undefined || at + PROBE > source.length) continue;
      let ahead = 0;
      while (i + ahead < added.length && at + ahead < source.length && added.charCodeAt(i + ahead) === source.charCodeAt(at + ahead)) ahead++;
      if (ahead < PROBE) continue;
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

  /** The node's text as the clients now hold it: `text` appended to it (`append`) or in its place; indexes what is new. */
  private learn(id: string, text: string, append: boolean): void {
    let entry = this.indexed.get(id);
    if (entry === undefined || !append) {
      entry = { text: '', next: 0 };
      this.indexed.set(id, entry);
    }
    entry.text += text;
    const whole = entry.text;
    for (; entry.next + PROBE <= whole.length; entry.next += PROBE) {
      const hash = probeHash(whole, entry.next);
      this.maybe[(hash >>> 5) & 0x7ff]! |= 1 << (hash & 31);
      const list = this.places.get(hash);
      if (list === undefined) this.places.set(hash, [[id, entry.next]]);
      else {
        list.push([id, entry.next]);
        if (list.length > MAX_PLACES) list.shift();
      }
    }
  }

  private mayHave(hash: number): boolean {
    return ((this.maybe[(hash >>> 5) & 0x7ff]! >>> (hash & 31)) & 1) === 1;
  }

  /** The text of an `append_parts` patch's parts (`diffContents` yields none; this keeps `encode` total). */
  private joinLiteral(parts: readonly ContentPart[]): string {
    return parts.map((p) => (typeof p === 'string' ? p : (this.indexed.get(p[0])?.text ?? '').slice(p[1], p[1] + p[2]))).join('');
  }
}

/**
 * `text` as a new flat string. A patch's text is a slice of a text built by concatenation, where reading one
 * character at a time, as the search does, cost about twice the whole search (measured on the bench's runs:
 * ~750 → ~320 µs a run; the held texts are built of these flat pieces, which halves it again against holding the
 * patches' own texts). The whole held texts are not flattened at each append: that costs more than it saves when
 * a model streams its answer in small pieces.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** Multiplier of the probes' polynomial hash (mod 2³²). */
const BASE = 0x01000193;
/** BASE^(PROBE − 1) mod 2³²: the weight of the character a rolling hash drops. */
const TOP = Array.from({ length: PROBE - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);

/** The hash of the PROBE characters of `text` from `at`. */
function probeHash(text: string, at: number): number {
  let hash = 0;
  for (let k = 0; k < PROBE; k++) hash = (Math.imul(hash, BASE) + text.charCodeAt(at + k)) | 0;
  return hash;
}

/** The hash of every PROBE characters of `text` (entry i: from i), rolled along: one step a character. */
function probeHashes(text: string): Int32Array {
  const hashes = new Int32Array(Math.max(0, text.length - PROBE + 1));
  if (hashes.length === 0) return hashes;
  let hash = probeHash(text, 0);
  hashes[0] = hash;
  for (let i = 1; i < hashes.length; i++) {
    hash = (Math.imul(hash - Math.imul(text.charCodeAt(i - 1), TOP), BASE) + text.charCodeAt(i + PROBE - 1)) | 0;
    hashes[i] = hash;
  }
  return hashes;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
