import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import PriceChart from '../src/components/charts/PriceChart.vue';

describe('PriceChart', () => {
  it('shows "no chart" with the server’s reason for a run without prices, and draws nothing', () => {
    const data = { ticker: 'ZZZZ', trade_date: '2024-03-28', data_label: 'demo', bars: [], indicators: {}, unavailable: 'no price data for ZZZZ' };
    const w = mount(PriceChart, { props: { data, state: 'unavailable', error: null } });
    expect(w.get('[data-test="chart-unavailable"]').text()).toBe('No chart: no price data for ZZZZ.');
    expect(w.find('canvas').exists()).toBe(false);
    expect(w.find('[data-test="chart-legend"]').exists()).toBe(false);
  });
});
