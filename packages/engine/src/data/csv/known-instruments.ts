/** Who a real ticker is, for the few a `DATA_DIR` usually holds; anything else is named by its ticker. */
export interface KnownInstrument {
  name: string;
  sector: string | null;
  industry: string | null;
  exchange: string;
  description: string | null;
}

export const KNOWN_INSTRUMENTS: Readonly<Record<string, KnownInstrument>> = {
  AAPL: {
    name: 'Apple Inc.',
    sector: 'Information Technology',
    industry: 'Consumer Electronics',
    exchange: 'NASDAQ',
    description: 'Maker of the iPhone, Mac and related services.',
  },
  MSFT: {
    name: 'Microsoft Corporation',
    sector: 'Information Technology',
    industry: 'Software',
    exchange: 'NASDAQ',
    description: 'Software, cloud (Azure) and devices.',
  },
  NVDA: {
    name: 'NVIDIA Corporation',
    sector: 'Information Technology',
    industry: 'Semiconductors',
    exchange: 'NASDAQ',
    description: 'GPUs and accelerated-computing platforms.',
  },
  GOOGL: {
    name: 'Alphabet Inc. (Class A)',
    sector: 'Communication Services',
    industry: 'Interactive Media & Services',
    exchange: 'NASDAQ',
    description: 'Parent of Google: search, advertising, YouTube and cloud.',
  },
  AMZN: {
    name: 'Amazon.com, Inc.',
    sector: 'Consumer Discretionary',
    industry: 'Broadline Retail',
    exchange: 'NASDAQ',
    description: 'Online retail, AWS cloud and advertising.',
  },
  META: {
    name: 'Meta Platforms, Inc.',
    sector: 'Communication Services',
    industry: 'Interactive Media & Services',
    exchange: 'NASDAQ',
    description: 'Facebook, Instagram, WhatsApp and Reality Labs.',
  },
  JPM: {
    name: 'JPMorgan Chase & Co.',
    sector: 'Financials',
    industry: 'Banks',
    exchange: 'NYSE',
    description: 'Diversified US bank and financial services group.',
  },
  NFLX: {
    name: 'Netflix, Inc.',
    sector: 'Communication Services',
    industry: 'Entertainment',
    exchange: 'NASDAQ',
    description: 'Subscription video streaming.',
  },
  AMD: {
    name: 'Advanced Micro Devices, Inc.',
    sector: 'Information Technology',
    industry: 'Semiconductors',
    exchange: 'NASDAQ',
    description: 'CPUs, GPUs and data-centre accelerators.',
  },
  TSLA: {
    name: 'Tesla, Inc.',
    sector: 'Consumer Discretionary',
    industry: 'Automobiles',
    exchange: 'NASDAQ',
    description: 'Electric vehicles and energy storage.',
  },
  SPY: {
    name: 'SPDR S&P 500 ETF Trust',
    sector: null,
    industry: 'Exchange-Traded Fund',
    exchange: 'NYSE Arca',
    description: 'ETF tracking the S&P 500 index.',
  },
};

/** Other share classes a feed may tag instead of the ticker asked for (e.g. news tagged GOOG for GOOGL). */
export const SHARE_CLASS_ALIASES: Readonly<Record<string, readonly string[]>> = {
  GOOGL: ['GOOG'],
  GOOG: ['GOOGL'],
};
