import type { FixtureAnswer, SeenRequest } from './fixture-server.js';

/** How the fake Yahoo misbehaves; everything off = documented happy answers. */
export interface YahooScenario {
  /** Answer data calls with HTTP 429. */
  rateLimited?: boolean;
  /** Data paths (prefix match, e.g. `/v8/finance/chart`) answered with a body that is not the documented JSON. */
  malformed?: readonly string[];
  hold?: Promise<unknown>;
}

const NY = -18_000; // New York's winter offset, seconds
/** Session open (14:30 UTC) of a date, as Yahoo timestamps bars. */
const openOf = (date: string) => Date.parse(`${date}T14:30:00Z`) / 1000;
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

function chart(symbol: string) {
  const closes = [185.64, 184.25, 181.91, 181.18, 185.56];
  return {
    chart: {
      result: [
        {
          meta: {
            currency: 'USD',
            symbol,
            exchangeName: 'NMS',
            fullExchangeName: 'NasdaqGS',
            instrumentType: 'EQUITY',
            firstTradeDate: 345479400,
            regularMarketTime: openOf('2024-01-08') + 23_400,
            hasPrePostMarketData: true,
            gmtoffset: NY,
            timezone: 'EST',
            exchangeTimezoneName: 'America/New_York',
            regularMarketPrice: 185.56,
            chartPreviousClose: 185.64,
            priceHint: 2,
            dataGranularity: '1d',
            range: '',
            validRanges: ['1d', '5d', '1mo', 'max'],
          },
          timestamp: DATES.map(openOf),
          indicators: {
            quote: [
              {
                open: closes.map((c) => c - 1),
                high: closes.map((c) => c + 2),
                low: closes.map((c) => c - 2),
                close: closes,
                volume: [82488700, 58414500, 71983600, 62303300, 59144500],
              },
            ],
            adjclose: [{ adjclose: closes.map((c) => c - 0.5) }],
          },
        },
      ],
      error: null,
    },
  };
}

const series = (type: string, rows: Array<[string, number]>) => ({
  meta: { symbol: ['AAPL'], type: [type] },
  timestamp: rows.map(([d]) => Date.parse(`${d}T00:00:00Z`) / 1000),
  [type]: rows.map(([asOfDate, raw]) => ({
    dataId: 20100,
    asOfDate,
    periodType: type.startsWith('annual') ? '12M' : '3M',
    currencyCode: 'USD',
    reportedValue: { raw, fmt: String(raw) },
  })),
});

function timeseries(typeParam: string) {
  const annual = typeParam.startsWith('annual');
  const result = annual
    ? [
        series('annualTotalRevenue', [['2023-09-30', 383285000000]]),
        series('annualNetIncome', [['2023-09-30', 96995000000]]),
        series('annualDilutedEPS', [['2023-09-30', 6.13]]),
      ]
    : [
        series('quarterlyTotalRevenue', [
          ['2023-09-30', 89498000000],
          ['2023-12-31', 119575000000],
        ]),
        series('quarterlyNetIncome', [
          ['2023-09-30', 22956000000],
          ['2023-12-31', 33916000000],
        ]),
        series('quarterlyCapitalExpenditure', [['2023-12-31', -2392000000]]),
      ];
  return { timeseries: { result, error: null } };
}

function search(q: string) {
  const news = (title: string, iso: string) => ({
    uuid: title.replace(/\W+/g, '-'),
    title,
    publisher: 'Example Wire',
    link: `https://finance.example/${encodeURIComponent(title)}`,
    providerPublishTime: Date.parse(iso) / 1000,
    type: 'STORY',
    relatedTickers: [q === 'stock market' ? 'SPY' : q],
  });
  return {
    explains: [],
    count: 2,
    quotes: [],
    news: [news(`${q} rallies after earnings`, '2024-01-05T15:00:00Z'), news(`${q} slides on guidance`, '2024-01-09T15:00:00Z')],
    nav: [],
    lists: [],
    researchReports: [],
    screenerFieldResults: [],
    totalTime: 10,
    timeTakenForQuotes: 1,
    timeTakenForNews: 1,
    timeTakenForAlgowatchlist: 1,
    timeTakenForPredefinedScreener: 1,
    timeTakenForCrunchbase: 0,
    timeTakenForNav: 1,
    timeTakenForResearchReports: 0,
    timeTakenForScreenerField: 0,
    timeTakenForCulturalAssets: 0,
    timeTakenForSearchLists: 0,
  };
}

function quoteSummary(symbol: string) {
  return {
    quoteSummary: {
      result: [
        {
          price: {
            maxAge: 1,
            symbol,
            longName: symbol === 'BRK-B' ? 'Berkshire Hathaway Inc.' : 'Apple Inc.',
            shortName: symbol,
            exchangeName: 'NasdaqGS',
            exchange: 'NMS',
            currency: 'USD',
            quoteType: 'EQUITY',
            marketState: 'CLOSED',
            priceHint: { raw: 2, fmt: '2' },
          },
          assetProfile: {
            maxAge: 86400,
            sector: 'Technology',
            industry: 'Consumer Electronics',
            longBusinessSummary: 'Designs phones and computers.',
            companyOfficers: [],
          },
        },
      ],
      error: null,
    },
  };
}

const KNOWN = new Set(['AAPL', 'BRK-B']);
const notFound = (root: string) => ({
  status: 404,
  json: { [root]: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } },
});

/**
 * Impersonates the Yahoo hosts yahoo-finance2 calls (all mapped to one local server): the cookie page
 * (`/quote/AAPL`), `/v1/test/getcrumb`, `/v8/finance/chart/:symbol`, `/v10/finance/quoteSummary/:symbol`,
 * `/v1/finance/search` and the fundamentals time series. Symbols `AAPL` and `BRK-B` exist.
 */
export function yahooHandler(scenario: YahooScenario = {}) {
  return (request: SeenRequest): FixtureAnswer => {
    const { path } = request;
    const hold = scenario.hold ? { after: scenario.hold } : {};
    if (path.startsWith('/quote/'))
      return { text: '<html>ok</html>', headers: { 'set-cookie': 'A3=d=fixture; Max-Age=31557600; Path=/; Secure' } };
    if (path === '/v1/test/getcrumb') return { text: 'fixture-crumb' };
    if (scenario.rateLimited) return { status: 429, text: 'Too Many Requests' };
    if (scenario.malformed?.some((p) => path.startsWith(p))) return { json: { unexpected: true } };
    const symbol = decodeURIComponent(path.split('/').at(-1) ?? '');
    if (path.startsWith('/v8/finance/chart/')) return KNOWN.has(symbol) ? { json: chart(symbol), ...hold } : notFound('chart');
    if (path.startsWith('/v10/finance/quoteSummary/'))
      return KNOWN.has(symbol) ? { json: quoteSummary(symbol), ...hold } : notFound('quoteSummary');
    if (path.startsWith('/ws/fundamentals-timeseries/'))
      return {
        json: KNOWN.has(symbol) ? timeseries(request.query.get('type') ?? '') : { timeseries: { result: [], error: null } },
        ...hold,
      };
    if (path === '/v1/finance/search') return { json: search(request.query.get('q') ?? ''), ...hold };
    return { status: 404, json: { finance: { result: null, error: { code: 'Not Found', description: `no route ${path}` } } } };
  };
}
