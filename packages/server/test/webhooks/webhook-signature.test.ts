import { createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from '@tradingfloor/shared';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseWebhookSecret, signWebhook } from '../../src/webhooks/webhook-signature.js';

const body = JSON.stringify({ type: 'run.completed', timestamp: '2026-12-06T20:00:00.000Z', data: { run: { run_id: 'ACME--x' } } });

describe('Standard Webhooks signatures', () => {
  it('a whsec_ secret signs what the standardwebhooks library verifies', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const now = Date.now();
    const headers = signWebhook(parseWebhookSecret(secret), 'msg_abc', now, body);
    expect(headers['webhook-id']).toBe('msg_abc');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    // Any change of id, time or body breaks it.
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(/No matching signature/);
  });

  it('signs HMAC-SHA256 over "id.seconds.body" with the decoded key', () => {
    const key = randomBytes(24);
    const headers = signWebhook(key, 'msg_1', 1_700_000_000_999, body);
    const expected = createHmac('sha256', key).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('a plain secret is its UTF-8 bytes (the library verifies it with format raw)', () => {
    const secret = 'a-plain-secret-of-some-length';
    const headers = signWebhook(parseWebhookSecret(secret), 'msg_2', Date.now(), body);
    expect(new Webhook(secret, { format: 'raw' }).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('refuses secrets that are short, not base64 or of the wrong size', () => {
    expect(() => parseWebhookSecret('short')).toThrow(ConfigError);
    expect(() => parseWebhookSecret('whsec_not*base64!')).toThrow(/must be base64/);
    expect(() => parseWebhookSecret(`whsec_${randomBytes(8).toString('base64')}`)).toThrow(/24 to 64 bytes, got 8/);
    expect(() => parseWebhookSecret(`whsec_${randomBytes(65).toString('base64')}`)).toThrow(/got 65/);
  });
});
