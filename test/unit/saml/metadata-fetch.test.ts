import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { isForbiddenAddress } from '../../../src/saml/ip-ranges';
import { fetchMetadata } from '../../../src/saml/metadata-fetch';

describe('isForbiddenAddress', () => {
  test.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', 'not-an-ip'])(
    'When the address is %s, then it is forbidden',
    (address) => expect(isForbiddenAddress(address)).toBe(true),
  );
  test.each(['8.8.8.8', '140.82.112.3', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('When the address is public (%s), then it is allowed', (address) =>
    expect(isForbiddenAddress(address)).toBe(false),
  );
});

describe('fetchMetadata', () => {
  let server: Server;
  let port = 0;
  let delayMs = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      setTimeout(() => res.end('<md/>'), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('When a host name resolves to a loopback address at connection time, then the fetch is refused (DNS is vetted, not just the URL)', async () => {
    const name = os.hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.length === 0 || !addresses.every((a) => isForbiddenAddress(a.address))) return; // this machine's name is public: nothing to show
    await expect(fetchMetadata(`https://${name}:${port}/md.xml`, { allowInsecure: false })).rejects.toMatchObject({ label: 'metadata-url-forbidden-address' });
  });

  test('When the host does not answer in time, then metadata-url-timeout', async () => {
    delayMs = 1000;
    await expect(fetchMetadata(`http://127.0.0.1:${port}/slow`, { allowInsecure: true, timeoutMs: 100 })).rejects.toMatchObject({ label: 'metadata-url-timeout' });
    delayMs = 0;
  });

  test('When the development setting is on, then loopback http works', async () => {
    await expect(fetchMetadata(`http://127.0.0.1:${port}/md.xml`, { allowInsecure: true })).resolves.toBe('<md/>');
  });

  test('When nothing listens, then metadata-url-unreachable', async () => {
    await expect(fetchMetadata('http://127.0.0.1:1/md.xml', { allowInsecure: true })).rejects.toMatchObject({ label: 'metadata-url-unreachable' });
  });
});
