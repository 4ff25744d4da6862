import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { TestServer } from '../../support/server';
import { spCertPem, spOf } from '../../support/sso';
import { TestIdp, type ParsedAuthnRequest, type ResponseOptions } from '../../support/test-idp';

/** Who the IdP says signed in next (the person "typing their password" at the IdP). */
export type NextSignIn = Pick<ResponseOptions, 'nameId' | 'attributes' | 'nameIdFormat'>;

const escapeAttr = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The test IdP behind a real HTTP port, for the browser: its SSO URL takes the AuthnRequest
 * Gatehouse's auto-post page sends, checks the SP signature, and answers with an auto-posting
 * form carrying a Response it signed for that request — what Entra ID or Okta do after the password.
 */
export class TestIdpServer {
  readonly requests: ParsedAuthnRequest[] = [];
  next: NextSignIn = { nameId: 'alice@acme.test' };
  private server: Server | null = null;
  private port = 0;

  constructor(
    readonly idp: TestIdp,
    private readonly gatehouse: TestServer,
  ) {}

  get ssoUrl(): string {
    return `http://127.0.0.1:${this.port}/sso`;
  }

  metadataXml(): string {
    return this.idp.metadataXml({ ssoUrl: this.ssoUrl, binding: 'post' });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html),
        (err: unknown) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`test IdP refused: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<string> {
    if (req.method !== 'POST' || req.url !== '/sso') throw new Error(`${req.method} ${req.url} is not the SSO URL`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const teamId = /\/sso\/finalize-login\/([0-9a-f-]{36})$/.exec(Buffer.from(form.SAMLRequest ?? '', 'base64').toString('utf8').match(/AssertionConsumerServiceURL="([^"]+)"/)?.[1] ?? '')?.[1];
    if (!teamId) throw new Error('no ACS URL in the AuthnRequest');
    const request = this.idp.parseAuthnRequest({ form }, await spCertPem(this.gatehouse, teamId));
    this.requests.push(request);
    const samlResponse = this.idp.responseBase64({ sp: spOf(this.gatehouse, teamId), inResponseTo: request.id, ...this.next });
    const relay = request.relayState ? `<input type="hidden" name="RelayState" value="${escapeAttr(request.relayState)}">` : '';
    return (
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head><body>` +
      `<p>Test IdP: signing you in as ${escapeAttr(this.next.nameId ?? '')}…</p>` +
      `<form method="post" action="${escapeAttr(request.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${escapeAttr(samlResponse)}">${relay}` +
      `<noscript><button type="submit">Continue</button></noscript></form>` +
      `<script>document.forms[0].submit()</script></body></html>`
    );
  }
}
