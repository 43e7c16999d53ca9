import { createHmac } from 'node:crypto';
import { ConfigError } from '@tradingfloor/shared';

/** The prefix of a Standard Webhooks secret: `whsec_` followed by the key in base64. */
const SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key of `WEBHOOK_SECRET`. The Standard Webhooks form `whsec_<base64>` is decoded (the spec asks for
 * 24 to 64 random bytes); any other text is used as its UTF-8 bytes and must be at least 16 characters long.
 * Throws `ConfigError` naming the variable.
 */
export function parseWebhookSecret(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) {
    const encoded = secret.slice(SECRET_PREFIX.length);
    const key = Buffer.from(encoded, 'base64');
    // Buffer.from skips what is not base64; a round trip proves every character was.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
      throw new ConfigError('WEBHOOK_SECRET: the text after "whsec_" must be base64');
    }
    if (key.length < 24 || key.length > 64) {
      throw new ConfigError(`WEBHOOK_SECRET: a whsec_ secret must decode to 24 to 64 bytes, got ${key.length}`);
    }
    return key;
  }
  if (secret.length < 16) throw new ConfigError('WEBHOOK_SECRET must be at least 16 characters long (or a whsec_<base64> secret)');
  return Buffer.from(secret, 'utf8');
}

/** The three Standard Webhooks headers of one attempt. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs one attempt the Standard Webhooks way: `v1,<base64 HMAC-SHA256 of "${id}.${seconds}.${body}">`, with
 * the attempt's own time in whole seconds. The id is the delivery's and never changes between attempts.
 */
export function signWebhook(key: Buffer, id: string, timestampMs: number, body: string): WebhookSignatureHeaders {
  const seconds = Math.floor(timestampMs / 1000);
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` };
}
