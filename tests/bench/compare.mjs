// Entry of `npm run bench:compare` (tests/bench/compare-main.ts through tsx): the bench of two checkouts,
// alternately, figure by figure.
import { register } from 'tsx/esm/api';

register();
await import('./compare-main.ts');
