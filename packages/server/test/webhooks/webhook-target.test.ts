import { lookup } from 'node:dns/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/webhooks/private-address.js';
import { guardedLookup, PrivateTargetError, targetProblem } from '../../src/webhooks/webhook-target.js';

describe('webhook targets and the SSRF guard', () => {
  it('knows private, loopback, link-local, CGNAT and unspecified addresses from public ones', () => {
    const refused = [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '[::1]',
    ];
    const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(refused.filter((a) => !isPrivateAddress(a))).toEqual([]);
    expect(allowed.filter((a) => isPrivateAddress(a))).toEqual([]);
  });

  it('accepts only http(s) and refuses private literals and localhost unless allowed', () => {
    expect(targetProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(targetProblem('ftp://hooks.example.com/x', false)).toMatch(/must be http or https, got ftp:/);
    expect(targetProblem('not a url', false)).toMatch(/not an absolute URL/);
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://[::1]/x',
      'http://localhost/x',
      'http://api.localhost/x',
      'http://10.0.0.5/x',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0/',
    ]) {
      expect(targetProblem(url, false), url).toMatch(/loopback or private address; set WEBHOOK_ALLOW_PRIVATE=1/);
      expect(targetProblem(url, true), url).toBeNull();
    }
  });

  it('refuses a host name whose DNS answer is private, at connect time', async () => {
    const resolve = (host: string, allowPrivate: boolean) =>
      new Promise<{ err: Error | null; address: unknown }>((done) =>
        guardedLookup(allowPrivate)(host, {}, (err, address) => done({ err, address })),
      );
    const refused = await resolve('localhost', false);
    expect(refused.err).toBeInstanceOf(PrivateTargetError);
    expect(refused.err?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback or private address/);
    const allowed = await resolve('localhost', true);
    expect(allowed.err).toBeNull();
    expect(isPrivateAddress(String(allowed.address))).toBe(true);
  });

  it('the machine’s own name, when it resolves to a private address, is refused too', async () => {
    const answers = await lookup(os.hostname(), { all: true }).catch(() => []);
    if (!answers.some((a) => isPrivateAddress(a.address))) return; // a public host name: nothing to refuse here
    const err = await new Promise<Error | null>((done) => guardedLookup(false)(os.hostname(), { all: true }, (e) => done(e)));
    expect(err).toBeInstanceOf(PrivateTargetError);
  });
});
