import { describe, expect, it } from 'vitest';
import { ifNoneMatchNames } from '../src/routes/if-none-match.js';

describe('ifNoneMatchNames', () => {
  it('matches the tag, a list holding it, its weak form and *, by weak comparison', () => {
    expect(ifNoneMatchNames('"a-1"', '"a-1"')).toBe(true);
    expect(ifNoneMatchNames('"x", "a-1" ,"y"', '"a-1"')).toBe(true);
    expect(ifNoneMatchNames('W/"a-1"', '"a-1"')).toBe(true);
    expect(ifNoneMatchNames('*', '"a-1"')).toBe(true);
  });

  it('does not match another tag, an unquoted or partial one, or no header', () => {
    expect(ifNoneMatchNames('"a-2"', '"a-1"')).toBe(false);
    expect(ifNoneMatchNames('a-1', '"a-1"')).toBe(false);
    expect(ifNoneMatchNames('"a-1', '"a-1"')).toBe(false);
    expect(ifNoneMatchNames('', '"a-1"')).toBe(false);
    expect(ifNoneMatchNames(undefined, '"a-1"')).toBe(false);
  });
});
