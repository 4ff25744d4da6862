import express from 'express';
import helmet from 'helmet';
import { emailValidationRoutes } from './accounts/email-validation-routes';
import { invitationRoutes } from './accounts/invitation-routes';
import { directoryHandoverRoutes } from './accounts/directory-handover-routes';
import { accountRoutes } from './accounts/routes';
import { healthRoutes } from './http/health-routes';
import { Metrics } from './http/metrics';
import { errorHandler, notFoundHandler, requestContext, securityHeaders } from './http/middleware';
import { idpRoutes } from './saml/idp-routes';
import { openApiRoutes } from './openapi/routes';
import { ssoRoutes } from './saml/sso-routes';
import { teamSettingsRoutes } from './accounts/team-settings-routes';
import { provisioningLogRoutes } from './scim/provisioning-log-routes';
import { scimRoutes } from './scim/routes';
import { scimTokenRoutes } from './scim/token-routes';
import type { Services } from './services';
import type { KeyAndCertificate } from './saml/sp-keys';
import { mockIdpRoutes } from './demo/mock-idp-routes';
import { linkingAttribute } from './scim/profile';
import { MOCK_IDP_PATH } from './demo/mock-idp-metadata';
import { invitationPages } from './web/invitation-pages';
import { createWeb } from './web/web-routes';

export interface AppOptions {
  /** The mock IdP's key; given only in demo mode (GATEHOUSE_DEMO), where /demo-idp/ is served. */
  demoIdpKeys?: KeyAndCertificate | null;
}

/** Builds the Express app from services. No I/O happens here. */
export function createApp(services: Services, options: AppOptions = {}): express.Express {
  const { config, logger } = services;
  const app = express();
  app.disable('x-powered-by');
  // No body-hash ETags: SCIM resources carry version ETags of their own (RFC 7644 §3.14), and hashing
  // every JSON body (a 100-user list is ~100 KB) cost more than the revalidation it would allow.
  app.set('etag', false);
  app.set('trust proxy', trustProxyValue(config.trustProxy));
  app.set('query parser', 'simple');
  app.use(requestContext(logger, app.request));
  // Errors are rendered as JSON unless a router says otherwise (errorFormat: 'scim', 'html').
  const metrics = new Metrics();
  app.use(metrics.middleware());
  // Behind plain http (no TLS in PUBLIC_URL) upgrade-insecure-requests would send the pages' CSS and forms to https.
  const helmetHeaders = securityHeaders(helmet({ strictTransportSecurity: config.secureCookies, contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.secureCookies ? [] : null } } }));

  // SCIM first: directories send by far the most requests, and every router before it is walked per request.
  // The admin endpoints under /scim before the SCIM API, and /scim/v2 before /scim so the longer prefix wins.
  app.use('/scim/auth-tokens', helmetHeaders, scimTokenRoutes({ passport: services.passport, tokens: services.scimTokens, rateLimits: services.rateLimits }));
  app.use('/scim/provisioning-log', helmetHeaders, provisioningLogRoutes({ passport: services.passport, store: services.store, provisioningLog: services.provisioningLog }));
  const scim = scimRoutes(services); // sets its own (API) security headers
  app.use('/scim/v2', scim);
  app.use('/scim', scim);

  app.use(helmetHeaders);
  const web = createWeb(services, { identityProviderExists: async (idpId) => (await services.sso.idpForLogin(idpId)) !== null });
  app.use('/assets', web.assets);

  app.use(healthRoutes(services.store));
  app.use(metrics.routes(services.store, config.metricsToken));
  app.use(openApiRoutes());
  app.use(accountRoutes(services));
  app.use(invitationPages({ config, invitations: services.invitations, rateLimits: services.rateLimits, csrfSecret: services.csrfSecret }));
  app.use(invitationRoutes({ passport: services.passport, invitations: services.invitations, rateLimits: services.rateLimits }));
  app.use(emailValidationRoutes({ passport: services.passport, emailValidation: services.emailValidation, rateLimits: services.rateLimits }));
  app.use('/identity-providers', idpRoutes({ passport: services.passport, idps: services.idps }));
  app.use(ssoRoutes({ sso: services.sso, accounts: services.accounts, passport: services.passport, config, onAcsOutcome: (outcome) => metrics.samlLogins.inc({ outcome }) }));
  app.use(teamSettingsRoutes({ passport: services.passport, teamSettings: services.teamSettings }));
  app.use(directoryHandoverRoutes({ passport: services.passport, handover: services.handover }));
  // Never outside demo mode: `npm start` answers 404 here (the mock IdP signs in anyone).
  if (config.demo && options.demoIdpKeys) app.use(MOCK_IDP_PATH, mockIdpRoutes({ config, keys: options.demoIdpKeys, linkingAttributeOf: async (teamId) => linkingAttribute(await services.scimUsers.profileOf(teamId)) }));

  app.use(web.router);

  app.use(notFoundHandler);
  app.use(errorHandler(web.renderError));
  return app;
}

function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
