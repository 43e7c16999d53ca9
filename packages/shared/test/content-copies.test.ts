import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyContentPatches, ContentCopier, diffContents, MIN_COPY_LENGTH, type ContentPatch } from '../src/index.js';

/** A text change of the model: append, replace, or append a slice of some text (maybe its own) between a few characters. */
type Edit =
  | { kind: 'append'; id: number; text: string }
  | { kind: 'replace'; id: number; text: string }
  | { kind: 'echo'; id: number; from: number; start: number; length: number; around: string };

// A small alphabet with astral characters (surrogate pairs), so repeats are common and copies can meet a pair.
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', '\n', '#', 'é', '😀', '𝔸'), maxLength: 150 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), id: fc.nat(3), text: textArb }),
  fc.record({ kind: fc.constant('replace' as const), id: fc.nat(3), text: textArb }),
  fc.record({
    kind: fc.constant('echo' as const),
    id: fc.nat(3),
    from: fc.nat(3),
    start: fc.nat(300),
    length: fc.nat(300),
    around: fc.string({ maxLength: 3 }),
  }),
);

function edit(contents: Record<string, string>, e: Edit): Record<string, string> {
  const id = `n${e.id}`;
  if (e.kind === 'replace') return { ...contents, [id]: e.text };
  if (e.kind === 'append') return { ...contents, [id]: (contents[id] ?? '') + e.text };
  const source = contents[`n${e.from}`] ?? '';
  return { ...contents, [id]: (contents[id] ?? '') + e.around + source.slice(e.start, e.start + e.length) + e.around };
}

const isCopy = (part: unknown): part is [string, number, number] => Array.isArray(part);

describe('ContentCopier', () => {
  it('gives patches that apply as the plain ones do, with copies of text the client holds, never splitting a surrogate pair (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(editArb, { maxLength: 4 }), { maxLength: 10 }), (flushes) => {
        let sent: Record<string, string> = {};
        const copier = new ContentCopier(sent);
        for (const edits of flushes) {
          const next = edits.reduce(edit, sent);
          const plain = diffContents(sent, next);
          const encoded = copier.encode(plain);
          expect(applyContentPatches(sent, encoded)).toEqual(applyContentPatches(sent, plain));
          // Each copy reads text the client holds when it applies the patch, at least MIN_COPY_LENGTH long.
          let held = sent;
          for (const patch of encoded) {
            if (patch.mode === 'append_parts') {
              for (const part of patch.parts.filter(isCopy)) {
                const [source, start, length] = part;
                expect(length).toBeGreaterThanOrEqual(MIN_COPY_LENGTH);
                expect(start + length).toBeLessThanOrEqual(held[source]!.length);
                const code = (at: number) => held[source]!.charCodeAt(at);
                expect(code(start) >= 0xdc00 && code(start) <= 0xdfff).toBe(false);
                expect(code(start + length - 1) >= 0xd800 && code(start + length - 1) <= 0xdbff).toBe(false);
              }
            }
            held = applyContentPatches(held, [patch]);
          }
          sent = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("sends a messages node that repeats its report as one copy of it, and a report that repeats its messages node's latest text around a copy of that", () => {
    const message = `## Answer for ACME\n\n${'The trend is up, the volume confirms it. '.repeat(4)}\nFINAL TRANSACTION PROPOSAL: **BUY**`;
    const report = `### Round 1\n\n${message}\n\n`;
    const copier = new ContentCopier({});
    const patches = copier.encode([
      { id: 'debate.bull.report', mode: 'append', text: report },
      { id: 'debate.bull.messages', mode: 'append', text: `${message}\n` },
    ]);
    expect(patches[0]).toMatchObject({ mode: 'append' });
    expect(patches[1]).toEqual({ id: 'debate.bull.messages', mode: 'append_parts', parts: [['debate.bull.report', 13, message.length + 1]] });

    // The next round, the other way round: the messages node first, then the report that holds it.
    const second = `## Round 2 for ACME\n\n${'Volume fades into the close. '.repeat(3)}`;
    const held = applyContentPatches({}, patches);
    const next = copier.encode([
      { id: 'debate.bull.messages', mode: 'append', text: second },
      { id: 'debate.bull.report', mode: 'append', text: `### Round 2\n\n${second}\n` },
    ]);
    const start = held['debate.bull.messages']!.length;
    expect(next).toEqual([
      { id: 'debate.bull.messages', mode: 'append', text: second },
      { id: 'debate.bull.report', mode: 'append_parts', parts: ['### Round 2\n\n', ['debate.bull.messages', start, second.length], '\n'] },
    ]);
  });

  it("looks only in the same agent's nodes: a tool result another agent read is sent as text", () => {
    const call = '→ get_company_news({})\n';
    const result = '← get_company_news: {"ticker":"ACME","items":[{"headline":"Acme ships its new line"}]}… (1046 chars)\n';
    const copier = new ContentCopier({ 'analysts.social.messages': call + result });
    const patch: ContentPatch = { id: 'analysts.news.messages', mode: 'append', text: `${call}${result}→ get_market_news({})\n` };
    expect(copier.encode([patch])).toEqual([patch]);
  });

  it('leaves short texts and replacements as they are, and copies nothing from a text since replaced', () => {
    const long = 'x'.repeat(30) + 'y'.repeat(30) + 'z'.repeat(30);
    const copier = new ContentCopier({ a: long });
    const short: ContentPatch = { id: 'b', mode: 'append', text: 'xxxxyyyy' };
    const replaced: ContentPatch = { id: 'a', mode: 'replace', content: 'something else entirely, as long as it needs to be' };
    expect(copier.encode([short, replaced])).toEqual([short, replaced]);
    const plain: ContentPatch = { id: 'c', mode: 'append', text: long };
    expect(copier.encode([plain])).toEqual([plain]);
  });
});
