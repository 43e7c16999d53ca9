import type { SentimentBucket } from '../sentiment.js';

/**
 * Headline templates of the demo market. `{name}` is the company's short name, `{product}` one of its
 * businesses, `{pct}` a percentage. All text is written for this project and describes fictional events.
 */
export const COMPANY_HEADLINES: Record<SentimentBucket, readonly string[]> = {
  very_positive: [
    '{name} raises its full-year outlook on strong demand for {product}',
    'Analysts lift price targets on {name} after an upbeat investor day',
    '{name} wins its largest order to date for {product}',
    '{name} shares set a new high on strength in {product}',
    'Broker upgrades {name} to Buy, citing widening margins',
    '{name} announces a share buyback as cash generation improves',
  ],
  positive: [
    '{name} expands {product} into two new regions',
    '{name} signs a multi-year partnership built around {product}',
    'Customer survey points to higher spending on {product}, a plus for {name}',
    '{name} hires an industry veteran to lead its {product} business',
    'Fund managers added to {name} last quarter, filings show',
    '{name} says its backlog for {product} keeps growing',
  ],
  neutral: [
    '{name} to present at an industry conference next week',
    '{name} names a new chief financial officer',
    '{name} folds {product} into a single division',
    'What to watch when {name} reports next quarter',
    '{name} completes a previously announced refinancing',
    '{name} shareholders approve all proposals at the annual meeting',
  ],
  negative: [
    '{name} faces pricing pressure in {product}',
    'Broker trims its {name} price target on slower growth in {product}',
    '{name} delays the launch of its next {product} offering',
    'Short interest in {name} climbs to a one-year high',
    'A rival cuts prices in {product}, pressuring {name}',
    '{name} warns of higher input costs',
  ],
  very_negative: [
    '{name} cuts guidance as demand for {product} weakens',
    'Regulators open an inquiry into {name} over {product}',
    'Broker downgrades {name} to Sell on deteriorating margins',
    '{name} announces layoffs and site closures',
    'Lawsuit over {product} weighs on {name}',
    '{name} insiders sell shares as the outlook darkens',
  ],
};

export const MOVE_HEADLINES = {
  up: [
    '{name} shares jump {pct}% as buyers return',
    '{name} climbs {pct}% in heavy trading',
    '{name} rallies {pct}%; traders cite {product}',
  ],
  down: [
    '{name} shares slide {pct}% in heavy selling',
    '{name} tumbles {pct}% on worries about {product}',
    '{name} drops {pct}% as investors head for the exits',
  ],
} as const;

export const MARKET_HEADLINES: Record<SentimentBucket, readonly string[]> = {
  very_positive: [
    'Stocks rally across the board as inflation cools',
    'Central bank signals rate cuts ahead; equities surge',
    'Demo market index posts its best week in months',
  ],
  positive: [
    'Stocks edge higher after a solid jobs report',
    'Consumer spending beats forecasts',
    'Factory activity expands for a third straight month',
  ],
  neutral: [
    'Markets mixed ahead of the central bank meeting',
    'Bond yields steady as investors wait for inflation data',
    'Oil little changed as traders weigh supply talks',
  ],
  negative: [
    'Stocks slip as bond yields climb',
    'Manufacturing survey shows an unexpected contraction',
    'Earnings worries weigh on equities',
  ],
  very_negative: [
    'Selloff deepens as recession fears grow',
    'Volatility spikes as stocks post their worst day in months',
    'Credit spreads widen sharply in a risk-off market',
  ],
};

export const MARKET_MOVE_HEADLINES = {
  up: ['Demo market index jumps {pct}% in a broad rally'],
  down: ['Demo market index falls {pct}% as selling spreads'],
} as const;

/** Fictional outlets, so no headline can be mistaken for real reporting. */
export const DEMO_SOURCES = [
  'Demo Newswire',
  'Fictional Business Daily',
  'The Synthetic Street Journal',
  'Imaginary Markets Report',
] as const;

/** Fills `{key}` placeholders. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
