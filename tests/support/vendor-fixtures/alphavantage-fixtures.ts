import type { FixtureAnswer, SeenRequest } from './fixture-server.js';

/** How the fake Alpha Vantage misbehaves; everything off = documented happy answers. */
export interface AlphaVantageScenario {
  /** Answer every call with the HTTP 200 quota message (`Information`). */
  rateLimited?: boolean;
  /** Functions answered with a body that is not JSON. */
  malformed?: ReadonlySet<string>;
  /** Hold every answer until this settles. */
  hold?: Promise<unknown>;
}

/** Daily rows of the fake `TIME_SERIES_DAILY_ADJUSTED`: a 2:1 split on 2024-01-04 (raw prices halve). */
const DAILY: Record<string, Record<string, string>> = {
  '2024-01-02': {
    '1. open': '200',
    '2. high': '204',
    '3. low': '198',
    '4. close': '202',
    '5. adjusted close': '100.5',
    '6. volume': '1000',
    '7. dividend amount': '0.0000',
    '8. split coefficient': '1.0',
  },
  '2024-01-03': {
    '1. open': '202',
    '2. high': '206',
    '3. low': '200',
    '4. close': '204',
    '5. adjusted close': '101.5',
    '6. volume': '1200',
    '7. dividend amount': '0.0000',
    '8. split coefficient': '1.0',
  },
  '2024-01-04': {
    '1. open': '102',
    '2. high': '104',
    '3. low': '101',
    '4. close': '103',
    '5. adjusted close': '102.5',
    '6. volume': '2600',
    '7. dividend amount': '0.0000',
    '8. split coefficient': '2.0',
  },
  '2024-01-05': {
    '1. open': '103',
    '2. high': '105',
    '3. low': '102',
    '4. close': '104',
    '5. adjusted close': '103.5',
    '6. volume': '2400',
    '7. dividend amount': '0.0000',
    '8. split coefficient': '1.0',
  },
};

const report = (fiscalDateEnding: string, fields: Record<string, string>) => ({ fiscalDateEnding, reportedCurrency: 'USD', ...fields });

/** Answers for symbol `AAPL` (and `BRK.B` for bars); any other symbol gets the documented "Error Message" or `{}`. */
export function alphaVantageHandler(scenario: AlphaVantageScenario = {}) {
  return (request: SeenRequest): FixtureAnswer => {
    const fn = request.query.get('function') ?? '';
    const symbol = request.query.get('symbol') ?? request.query.get('tickers') ?? '';
    const answer = (json: unknown): FixtureAnswer => ({ json, ...(scenario.hold ? { after: scenario.hold } : {}) });
    if (request.path !== '/query' || !request.query.get('apikey')) return { status: 404, json: { error: 'unknown path' } };
    if (scenario.rateLimited)
      return answer({ Information: 'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.' });
    if (scenario.malformed?.has(fn)) return { text: '<html>upstream error</html>' };
    const known = symbol === 'AAPL' || (fn === 'TIME_SERIES_DAILY_ADJUSTED' && symbol === 'BRK.B');
    if (fn === 'NEWS_SENTIMENT') return answer(newsFeed(request.query.get('tickers')));
    if (!known) {
      if (fn === 'OVERVIEW') return answer({});
      return answer({
        'Error Message':
          'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY_ADJUSTED.',
      });
    }
    switch (fn) {
      case 'TIME_SERIES_DAILY_ADJUSTED':
        return answer({
          'Meta Data': { '1. Information': 'Daily Time Series with Splits and Dividend Events', '2. Symbol': symbol },
          'Time Series (Daily)': DAILY,
        });
      case 'OVERVIEW':
        return answer({
          Symbol: 'AAPL',
          Name: 'Apple Inc',
          Description: 'Apple designs phones.',
          Exchange: 'NASDAQ',
          Currency: 'USD',
          Sector: 'TECHNOLOGY',
          Industry: 'ELECTRONIC COMPUTERS',
        });
      case 'INCOME_STATEMENT':
        return answer({
          symbol,
          annualReports: [report('2023-09-30', { totalRevenue: '383285000000', netIncome: '96995000000' })],
          quarterlyReports: [
            report('2023-12-31', { totalRevenue: '119575000000', netIncome: '33916000000' }),
            report('2023-09-30', { totalRevenue: '89498000000', netIncome: '22956000000' }),
          ],
        });
      case 'BALANCE_SHEET':
        return answer({
          symbol,
          annualReports: [report('2023-09-30', { totalAssets: '352583000000', totalShareholderEquity: '62146000000' })],
          quarterlyReports: [report('2023-12-31', { totalAssets: '353514000000', totalShareholderEquity: '74100000000' })],
        });
      case 'CASH_FLOW':
        return answer({
          symbol,
          annualReports: [report('2023-09-30', { operatingCashflow: '110543000000', capitalExpenditures: '10959000000' })],
          quarterlyReports: [],
        });
      case 'EARNINGS':
        return answer({
          symbol,
          annualEarnings: [{ fiscalDateEnding: '2023-09-30', reportedEPS: '6.13' }],
          quarterlyEarnings: [
            {
              fiscalDateEnding: '2023-12-31',
              reportedDate: '2024-02-01',
              reportedEPS: '2.18',
              estimatedEPS: '2.1',
              surprise: '0.08',
              surprisePercentage: '3.8',
            },
            {
              fiscalDateEnding: '2023-09-30',
              reportedDate: '2023-11-02',
              reportedEPS: '1.46',
              estimatedEPS: '1.39',
              surprise: '0.07',
              surprisePercentage: '5',
            },
          ],
        });
      default:
        return answer({ 'Error Message': `unknown function ${fn}` });
    }
  };
}

function newsFeed(tickers: string | null) {
  const item = (title: string, time: string, score: string) => ({
    title,
    url: `https://news.example/${encodeURIComponent(title)}`,
    time_published: time,
    authors: ['A. Writer'],
    summary: `${title} — summary.`,
    source: 'Example Wire',
    overall_sentiment_score: 0.2,
    overall_sentiment_label: 'Somewhat-Bullish',
    ticker_sentiment: [
      { ticker: tickers ?? 'AAPL', relevance_score: '0.8', ticker_sentiment_score: score, ticker_sentiment_label: 'Bullish' },
    ],
  });
  if (tickers !== null && tickers !== 'AAPL')
    return { items: '0', sentiment_score_definition: 'x', relevance_score_definition: 'y', feed: [] };
  return {
    items: '3',
    sentiment_score_definition: 'x <= -0.35: Bearish; ...',
    relevance_score_definition: '0 < x <= 1',
    feed: [
      item('Apple unveils a new chip', '20240105T133000', '0.4'),
      item('Apple suppliers report strong quarter', '20240104T090000', '0.3'),
      item('Apple faces a lawsuit next week', '20240108T080000', '-0.5'),
    ],
  };
}
