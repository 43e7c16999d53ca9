import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialRunContext, type RunContext } from '../../src/machine/run-context.js';
import { deriveContents, withGrownMessages } from '../../src/tree/derive-contents.js';
import { testConfig } from '../machine/support.js';

const AGENTS = ['analysts.market', 'analysts.news', 'research_debate.bull', 'trader.trader'];

type Op = { kind: 'message'; agentId: string; text: string } | { kind: 'report'; text: string } | { kind: 'turn'; text: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('message' as const), agentId: fc.constantFrom(...AGENTS), text: fc.string() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('report' as const), text: fc.string({ minLength: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('turn' as const), text: fc.string() }) },
);

describe('withGrownMessages', () => {
  it('gives what deriving the contents anew gives (key order included), or null to derive anew, as a live run updates them', () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 4 }), { maxLength: 40 }), (batches) => {
        let context: RunContext = initialRunContext(testConfig());
        const messages: Record<string, string> = Object.create(null) as Record<string, string>;
        let contents = deriveContents(context, messages);
        let memoContext = context;
        for (const batch of batches) {
          const grown = new Set<string>();
          for (const op of batch) {
            if (op.kind === 'message') {
              // As LiveRun.appendMessage: a line per call.
              messages[op.agentId] = `${messages[op.agentId] ?? ''}${op.text}\n`;
              grown.add(op.agentId);
            } else if (op.kind === 'report') {
              context = { ...context, reports: { ...context.reports, market: op.text } };
            } else {
              const round = context.researchDebate.length + 1;
              context = { ...context, researchDebate: [...context.researchDebate, { speaker: 'bull_researcher', round, text: op.text }] };
            }
          }
          // LiveRun's rule: only with the same texts may the previous contents be updated.
          const fresh = deriveContents(context, messages);
          const was = JSON.stringify(contents);
          const updated = memoContext === context ? withGrownMessages(contents, messages, grown) : null;
          if (updated !== null) expect(JSON.stringify(updated)).toBe(JSON.stringify(fresh));
          // The previous contents are never mutated (a consumer diffs against them).
          expect(JSON.stringify(contents)).toBe(was);
          if (updated !== null) reused++;
          contents = updated ?? fresh;
          memoContext = context;
        }
      }),
      { numRuns: 300 },
    );
    expect(reused).toBeGreaterThan(100);
  });

  it('declines an agent whose messages node is new, and copies for a known one', () => {
    const context = initialRunContext(testConfig());
    const before = deriveContents(context, { 'analysts.market': 'one\n' });
    expect(withGrownMessages(before, { 'analysts.market': 'one\n', 'analysts.news': 'two\n' }, ['analysts.news'])).toBeNull();
    const after = withGrownMessages(before, { 'analysts.market': 'one\nthree\n' }, ['analysts.market']);
    expect(after).toEqual({ 'analysts.market.messages': 'one\nthree\n' });
    expect(before).toEqual({ 'analysts.market.messages': 'one\n' });
  });
});

describe('deriveContents from the previous contents', () => {
  const SPEAKERS = ['bull_researcher', 'bear_researcher', 'aggressive_analyst', 'conservative_analyst', 'neutral_analyst'] as const;
  const changeArb = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('turn' as const), speaker: fc.constantFrom(...SPEAKERS), text: fc.string() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('plan' as const), text: fc.string() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), text: fc.string() }) },
  );

  it('gives what deriving anew gives, key order included, and keeps the transcripts of speakers who did not speak', () => {
    let kept = 0;
    fc.assert(
      fc.property(fc.array(fc.array(changeArb, { maxLength: 3 }), { maxLength: 20 }), (batches) => {
        let context: RunContext = initialRunContext(testConfig());
        let contents = deriveContents(context, {});
        for (const batch of batches) {
          const before = context;
          for (const change of batch) {
            if (change.kind === 'plan') context = { ...context, investmentPlan: change.text };
            else if (change.kind === 'rewrite') {
              // Not an append: a restored context's debate, say. Nothing of the previous one may be taken.
              context = { ...context, researchDebate: [{ speaker: 'bull_researcher', round: 1, text: change.text }] };
            } else {
              const risk = change.speaker !== 'bull_researcher' && change.speaker !== 'bear_researcher';
              const debate = risk ? context.riskDebate : context.researchDebate;
              const turns = [...debate, { speaker: change.speaker, round: debate.length + 1, text: change.text }];
              context = risk ? { ...context, riskDebate: turns } : { ...context, researchDebate: turns };
            }
          }
          const next = deriveContents(context, {}, { context: before, contents });
          expect(JSON.stringify(next)).toBe(JSON.stringify(deriveContents(context, {})));
          for (const [id, text] of Object.entries(next)) if (contents[id] === text) kept++;
          contents = next;
        }
      }),
      { numRuns: 300 },
    );
    expect(kept).toBeGreaterThan(100);
  });
});
