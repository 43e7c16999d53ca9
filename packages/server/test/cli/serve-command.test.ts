import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { serveCommand, type StartServer } from '../../src/cli/serve-command.js';
import { captureIo } from './support/capture.js';

/** A stand-in for startServer that listens for real, so the test can see it open and close. */
function realHttpStarter(calls: unknown[]): StartServer {
  return async (_env, overrides) => {
    calls.push(overrides);
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(overrides.port ?? 0, overrides.host ?? '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    overrides.log?.(`TradingFloor listening on http://127.0.0.1:${port}`);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  };
}

describe('serveCommand', () => {
  it('starts the server with the flags, prints its URL and closes it cleanly on SIGINT', async () => {
    const { io, stdout, signals } = captureIo();
    const calls: unknown[] = [];
    const done = serveCommand({ port: '0', host: '127.0.0.1', resultsDir: 'res' }, io, realHttpStarter(calls));
    await stdout.waitFor('listening on');
    const url = /listening on (\S+)/.exec(stdout.text)?.[1];
    expect(await (await fetch(`${url}/`)).text()).toBe('ok');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(calls).toEqual([{ port: 0, host: '127.0.0.1', resultsDir: 'res', log: expect.any(Function) }]);
    expect(stdout.text).toContain('server closed');
    await expect(fetch(`${url}/`)).rejects.toThrow();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('exits 2 for a bad port and for a configuration error, 1 when the port is taken', async () => {
    const bad = captureIo();
    expect(await serveCommand({ port: 'http' }, bad.io, realHttpStarter([]))).toBe(2);
    expect(bad.stderr.text).toBe('tradingfloor serve: --port must be a whole number from 0 to 65535, got "http"\n');

    const config = captureIo();
    const failing: StartServer = async () => {
      throw new ConfigError('TRADINGFLOOR_TOKEN is required when HOST is "0.0.0.0"');
    };
    expect(await serveCommand({ host: '0.0.0.0' }, config.io, failing)).toBe(2);
    expect(config.stderr.text).toContain('TRADINGFLOOR_TOKEN is required');

    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const busy = captureIo();
    expect(await serveCommand({ port: String(taken), host: '127.0.0.1' }, busy.io, realHttpStarter([]))).toBe(1);
    expect(busy.stderr.text).toContain(`port ${taken} is already in use`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
