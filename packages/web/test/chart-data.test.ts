import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/api/http-client.js';

// The client checks the chart body with the shared ChartDataSchema and maps a 404 to "no chart".
const bodyOf = (status: number, body: unknown): typeof fetch =>
  (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as typeof fetch;

describe('HttpClient.chart', () => {
  let client: HttpClient | undefined;
  afterEach(() => {
    client = undefined;
  });

  it('returns a well-formed chart body', async () => {
    const chart = {
      ticker: 'ACME',
      trade_date: '2024-03-28',
      data_label: 'demo',
      bars: [{ date: '2024-03-28', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }],
      indicators: { rsi: [{ date: '2024-03-28', value: 55 }] },
    };
    client = new HttpClient({ baseUrl: 'http://x', fetch: bodyOf(200, chart) });
    await expect(client.chart('ACME--2024-03-28_00.00.00--abcdef')).resolves.toEqual(chart);
  });

  it('maps 404 to null and refuses a malformed body', async () => {
    client = new HttpClient({ baseUrl: 'http://x', fetch: bodyOf(404, { error: 'not found' }) });
    await expect(client.chart('r')).resolves.toBeNull();
    client = new HttpClient({ baseUrl: 'http://x', fetch: bodyOf(200, { ticker: 'ACME' }) });
    await expect(client.chart('r')).rejects.toThrow();
  });
});
