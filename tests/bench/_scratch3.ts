import { computeIndicators, createDemoVendor } from '@tradingfloor/engine';
const v = createDemoVendor();
const cov = await v.coverage();
console.log(cov);
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const bars = await v.bars('ACME', { asOf: cov.last_date }, new AbortController().signal);
  const tb = performance.now() - t;
  t = performance.now();
  computeIndicators(bars);
  console.log(bars.length, 'bars ms', tb.toFixed(1), 'ind ms', (performance.now() - t).toFixed(1));
}
