import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipEtag, gzipOnce } from '../src/routes/gzip-once.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp;

/** A GET over node:http, which (unlike fetch) neither adds an Accept-Encoding nor decodes the answer. */
function rawGet(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${t.url}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('kept JSON answers in gzip', () => {
  beforeEach(async () => {
    t = await startTestApp();
    for (let i = 0; i < 12; i++) t.manager.create(i % 2 === 0 ? 'ACME' : 'GLOBEX', `2024-01-${String(i + 1).padStart(2, '0')}`);
  });
  afterEach(async () => t.close());

  it('sends GET /runs gzip-compressed to a client that accepts gzip, the same JSON as the plain answer, under its own tag', async () => {
    const plain = await rawGet('/runs');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body.length).toBeGreaterThan(1024);

    const zipped = await rawGet('/runs', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).toBe(gzipEtag(plain.headers.etag!));
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
  });

  it('revalidates each encoding by its own tag', async () => {
    const zipped = await rawGet('/runs', { 'accept-encoding': 'gzip' });
    const plain = await rawGet('/runs');
    const gzipTag = zipped.headers.etag!;
    expect((await rawGet('/runs', { 'accept-encoding': 'gzip', 'if-none-match': gzipTag })).status).toBe(304);
    expect((await rawGet('/runs', { 'if-none-match': plain.headers.etag! })).status).toBe(304);
    // A tag of the other encoding names another representation: the whole answer comes.
    const crossed = await rawGet('/runs', { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag! });
    expect(crossed.status).toBe(200);
    expect(gunzipSync(crossed.body).equals(plain.body)).toBe(true);
    // The list changes: a new compressed answer, under a new tag.
    t.manager.create('INITECH', '2024-02-01');
    const changed = await rawGet('/runs', { 'accept-encoding': 'gzip', 'if-none-match': gzipTag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(gzipTag);
    expect(gunzipSync(changed.body).toString()).toContain('INITECH');
  });

  it('leaves plain a client refusing gzip, and an answer too short to gain from it', async () => {
    const refused = await rawGet('/runs', { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString()).runs).toHaveLength(12);
    const short = await rawGet('/runs?status=canceled', { 'accept-encoding': 'gzip' });
    expect(short.status).toBe(200);
    expect(short.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(short.body.toString())).toEqual({ runs: [] });
  });
});

describe('gzipOnce', () => {
  it('compresses a kept answer once and shares the result', async () => {
    const bytes = Buffer.from(JSON.stringify({ runs: Array.from({ length: 50 }, (_, i) => ({ run_id: `r${i}`, status: 'completed' })) }));
    const first = gzipOnce(bytes);
    expect(gzipOnce(bytes)).toBe(first);
    expect(gunzipSync(await first).equals(bytes)).toBe(true);
    // Other bytes (a newer version of the list) are compressed anew.
    expect(gzipOnce(Buffer.from(bytes))).not.toBe(first);
  });

  it('tags the gzip encoding apart from the plain one', () => {
    expect(gzipEtag('"abc-1"')).toBe('"abc-1-gz"');
  });
});
