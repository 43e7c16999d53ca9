import type { PromptFacts } from './read-prompt.js';
import { analystReport, compact, fmt, pct, plural, type Factor } from './report-format.js';
import { FundamentalsPayload, PriceHistoryPayload, readPayload, type FilingPayload } from './tool-payloads.js';

/**
 * A ratio in percent. The contract gives ratios as fractions (0.12 = 12%); a value far outside any plausible
 * fraction is taken as already being in percent, so a vendor that sends 12 instead of 0.12 is still read right.
 */
function asPercent(v: number | null | undefined, fractionLimit: number): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return Math.abs(v) > fractionLimit ? v : v * 100;
}

function filingName(f: FilingPayload): string {
  const period = [f.fiscal_period, f.fiscal_year].filter((x) => x !== null && x !== undefined).join(' ');
  // A date the data does not have is never written as a fact: an estimated one says so.
  const filed = f.filed
    ? `filed ${f.filed}`
    : f.filed_estimate
      ? `filing date not in the data, public by ${f.filed_estimate} at the latest (SEC deadline, estimated)`
      : 'filing date not in the data';
  return `${f.form ?? 'filing'} ${period}`.trim() + ` (period end ${f.period_end ?? '?'}, ${filed})`;
}

function scoreFactors(d: FundamentalsPayload['derived']): Factor[] {
  const factors: Factor[] = [];
  const margin = asPercent(d.net_margin, 2);
  if (margin !== null) {
    const s = margin > 10 ? 1 : margin < 0 ? -1 : 0;
    const word = s > 0 ? 'a healthy, double-digit margin' : s < 0 ? 'a loss' : 'a thin margin';
    factors.push({ name: 'Profitability', reading: `net margin ${pct(margin)}`, score: s, comment: `net margin ${pct(margin)}: ${word}.` });
  }
  const growth = asPercent(d.revenue_growth_yoy, 3);
  if (growth !== null) {
    const s = growth > 5 ? 1 : growth < 0 ? -1 : 0;
    const word = s > 0 ? 'the business is growing' : s < 0 ? 'revenue is shrinking' : 'growth is sluggish';
    factors.push({
      name: 'Growth',
      reading: `revenue ${pct(growth)} year over year`,
      score: s,
      comment: `revenue ${pct(growth)} year over year: ${word}.`,
    });
  }
  if (d.debt_to_equity !== null && d.debt_to_equity !== undefined) {
    const de = d.debt_to_equity;
    const s = de < 1 ? 1 : de > 2 ? -1 : 0;
    const word = s > 0 ? 'conservatively financed' : s < 0 ? 'heavily leveraged' : 'moderately leveraged';
    factors.push({ name: 'Leverage', reading: `debt/equity ${fmt(de)}`, score: s, comment: `debt to equity ${fmt(de)}: ${word}.` });
  }
  if (d.current_ratio !== null && d.current_ratio !== undefined) {
    const cr = d.current_ratio;
    const s = cr >= 1.5 ? 1 : cr < 1 ? -1 : 0;
    const word = s > 0 ? 'ample short-term liquidity' : s < 0 ? 'current liabilities exceed current assets' : 'adequate liquidity';
    factors.push({ name: 'Liquidity', reading: `current ratio ${fmt(cr)}`, score: s, comment: `current ratio ${fmt(cr)}: ${word}.` });
  }
  const pe = d.pe_ratio;
  const eps = d.eps_ttm;
  if (pe !== null && pe !== undefined && pe > 0) {
    const s = pe < 15 ? 1 : pe > 40 ? -1 : 0;
    const word =
      s > 0 ? 'an undemanding valuation' : s < 0 ? 'a rich valuation that leaves little room for disappointment' : 'a fair valuation';
    factors.push({
      name: 'Valuation',
      reading: `P/E ${fmt(pe, 1)} on EPS ${fmt(eps)}`,
      score: s,
      comment: `P/E ${fmt(pe, 1)} on trailing EPS ${fmt(eps)}: ${word}.`,
    });
  } else if (eps !== null && eps !== undefined && eps <= 0) {
    factors.push({
      name: 'Valuation',
      reading: `trailing EPS ${fmt(eps)}`,
      score: -1,
      comment: `trailing EPS ${fmt(eps)}: the company is losing money, so there is no meaningful P/E.`,
    });
  }
  const fcf = d.free_cash_flow;
  if (fcf !== null && fcf !== undefined) {
    const s = fcf > 0 ? 1 : fcf < 0 ? -1 : 0;
    factors.push({
      name: 'Cash generation',
      reading: `free cash flow ${compact(fcf)}`,
      score: s,
      comment: `free cash flow ${compact(fcf)}: ${s > 0 ? 'the business funds itself' : 'the business consumes cash'}.`,
    });
  }
  return factors;
}

/** The fundamentals analyst's report, from get_fundamentals (and get_price_history for context). */
export function writeFundamentalsReport(facts: PromptFacts, answers: Map<string, string>): string {
  const fundamentals = readPayload(answers.get('get_fundamentals'), FundamentalsPayload);
  const history = readPayload(answers.get('get_price_history'), PriceHistoryPayload);
  const body: string[] = [];
  let factors: Factor[] = [];
  if (!fundamentals.ok || !fundamentals.data.latest) {
    body.push(
      '### Filings',
      `No filing is available as of the trade date (${fundamentals.ok ? 'no snapshot filed yet' : fundamentals.reason}).`,
    );
  } else {
    const { latest, history: earlier, derived } = fundamentals.data;
    const m = latest.metrics;
    factors = scoreFactors(derived);
    body.push(
      '### Filings',
      `Latest filing: ${filingName(latest)}. ${plural(earlier.length, 'earlier snapshot')} for comparison.`,
      '',
      '### Key figures',
      `Revenue ${compact(m['revenue'])}, gross profit ${compact(m['gross_profit'])}, operating income ${compact(m['operating_income'])}, ` +
        `net income ${compact(m['net_income'])}; cash ${compact(m['cash_and_equivalents'])}, total assets ${compact(m['total_assets'])}, ` +
        `equity ${compact(m['stockholders_equity'])}.`,
    );
    const prior = earlier.find((f) => f.fiscal_period === latest.fiscal_period && f.metrics['revenue']);
    const rev = m['revenue'];
    const priorRev = prior?.metrics['revenue'];
    if (prior && rev && priorRev) body.push(`Against ${filingName(prior)}: revenue ${pct((rev / priorRev - 1) * 100)}.`);
  }
  if (history.ok && history.data.summary) {
    const s = history.data.summary;
    body.push(
      '',
      '### Price context',
      `Last close ${fmt(s.last_close)}; ${pct(s.change_pct)} over ${plural(history.data.bars.length, 'session')} (${s.first_date ?? '?'} → ${s.last_date ?? '?'}).`,
    );
  }
  return analystReport({
    heading: 'Fundamentals analysis',
    facts,
    source: 'the filings and ratios its tools returned',
    factors,
    body,
    noFactors: 'No ratio could be computed from the available filings.',
  });
}
