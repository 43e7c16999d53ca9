import type { CHART_SERIES, ChartData } from '@tradingfloor/shared';

// The chart body is defined once, in the shared protocol (`ChartDataSchema`); these are the pieces the chart code names.
export type { ChartData };
/** One daily bar of `GET /runs/:id/chart`. */
export type ChartBar = ChartData['bars'][number];
/** One point of an indicator series. */
export type ChartPoint = { date: string; value: number };
/** The name of an indicator series. */
export type IndicatorKey = (typeof CHART_SERIES)[number];
