import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/runs/string-pool.js';

describe('StringPool', () => {
  it('hands back an equal string and keeps each distinct one once', () => {
    const pool = new StringPool();
    const parts = ['@xstate.', 'snapshot'];
    expect(pool.intern(parts.join(''))).toBe('@xstate.snapshot');
    expect(pool.intern(`@xstate.${'snapshot'}`)).toBe('@xstate.snapshot');
    expect(pool.intern('INFO')).toBe('INFO');
    expect(pool.size).toBe(2);
  });

  it('passes null and undefined through untouched', () => {
    const pool = new StringPool();
    expect(pool.intern(null)).toBeNull();
    expect(pool.intern(undefined)).toBeUndefined();
    expect(pool.size).toBe(0);
  });

  it('stops growing at its bound and still answers beyond it', () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) expect(pool.intern(`actor-${i}`)).toBe(`actor-${i}`);
    expect(pool.size).toBe(3);
    expect(pool.intern('actor-1')).toBe('actor-1');
  });
});
