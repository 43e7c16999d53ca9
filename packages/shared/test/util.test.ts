import { describe, expect, it } from 'vitest';
import { deferred, errorMessage } from '../src/index.js';

describe('errorMessage', () => {
  it('gives an Error its message, or its name when the message is empty', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
    expect(errorMessage(new RangeError())).toBe('RangeError');
  });

  it('keeps strings, serialises other values, and survives values JSON cannot take', () => {
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ code: 42 })).toBe('{"code":42}');
    expect(errorMessage(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorMessage(cyclic)).toBe('[object Object]');
  });
});

describe('deferred', () => {
  it('settles its promise from outside, once', async () => {
    const ok = deferred<number>();
    ok.resolve(1);
    ok.resolve(2);
    await expect(ok.promise).resolves.toBe(1);
    const failed = deferred();
    failed.reject(new Error('no'));
    await expect(failed.promise).rejects.toThrow('no');
  });
});
