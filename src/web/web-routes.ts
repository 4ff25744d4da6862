import cookieParser from 'cookie-parser';
import express, { Router, type RequestHandler } from 'express';
import { errorFormat, type HtmlErrorRenderer } from '../http/middleware';
import { MAX_METADATA_BYTES } from '../saml/idp-metadata';
import type { Services } from '../services';
import { auditSection } from './admin/audit-page';
import { groupsSection } from './admin/groups-page';
import { peopleSection } from './admin/people-page';
import { provisioningSection } from './admin/provisioning-page';
import { scimSection } from './admin/scim-page';
import { ssoSection } from './admin/sso-page';
import { signInRoutes } from './admin/sign-in';
import { createCsrf } from './csrf';
import { emailValidationPage } from './email-validation-page';
import { multipartText } from './multipart';
import { PUBLIC_DIR, Pages } from './pages';
import { publicPages } from './public-pages';
import { sessionSecretOf } from '../http/session-cookie';
import { loadViewer, requireAdminPage } from './session';
import type { AdminSection, WebContext } from './web-context';

export interface WebOptions {
  /** Enterprise-login codes resolve to an IdP through this; until SAML lands no code is known. */
  identityProviderExists?: (idpId: string) => Promise<boolean>;
  /** Further team-management pages (SSO, Groups…), after the built-in ones in the sidebar. */
  adminSections?: AdminSection[];
}

export interface Web {
  /** Page routes: /, /login, /login/code, /me, /me/logout, /sso/error and everything under /admin. */
  router: Router;
  /** Our own CSS, JS and icons, for `/assets`. */
  assets: RequestHandler;
  /** For errorHandler(): error pages for routes that set errorFormat('html'). */
  renderError: HtmlErrorRenderer;
}

export const BUILT_IN_ADMIN_SECTIONS: AdminSection[] = [peopleSection, groupsSection, ssoSection, scimSection, auditSection, provisioningSection];

/** Uploaded IdP metadata is at most 1 MB; the form's other fields and multipart framing add a little. */
const MULTIPART_LIMIT = MAX_METADATA_BYTES + 64 * 1024;

/** The server-rendered pages. No I/O until a request comes (the CSRF key file is read on first use). */
export function createWeb(services: Services, options: WebOptions = {}): Web {
  const sections = [...BUILT_IN_ADMIN_SECTIONS, ...(options.adminSections ?? [])];
  const csrf = createCsrf(services.config, services.csrfSecret);
  const pages = new Pages(services.config, csrf, () => sections.map((s) => s.nav));
  const ctx: WebContext = { services, pages, csrf };

  const cookies = cookieParser();
  const viewer = loadViewer(services.passport, services.config);
  const formBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  const page: RequestHandler[] = [errorFormat('html'), noStore, cookies, viewer];
  const form: RequestHandler[] = [errorFormat('html'), noStore, cookies, formBody, csrf.protect, viewer];
  // Forms with a file input (IdP metadata upload) arrive as multipart; the CSRF field is read from them too.
  // Only read with a session cookie present: anonymous multipart posts are refused by the CSRF check unread.
  const multipart = multipartText(MULTIPART_LIMIT);
  const signedInMultipart: RequestHandler = (req, res, next) => (sessionSecretOf(req) ? multipart(req, res, next) : next());
  const uploadForm: RequestHandler[] = [errorFormat('html'), noStore, cookies, formBody, signedInMultipart, csrf.protect, viewer];

  const router = Router();
  router.use(publicPages(ctx, page, form, { identityProviderExists: options.identityProviderExists ?? (async () => false) }));
  router.use(emailValidationPage(ctx, page, form));

  // Everything under /admin is a page: HTML errors, forms checked for CSRF, sign-in required past /login.
  const admin = Router();
  admin.use(...uploadForm);
  admin.use(signInRoutes(ctx));
  admin.use(requireAdminPage);
  admin.get('/', (_req, res) => res.redirect(303, '/admin/people'));
  for (const section of sections) admin.use(section.routes(ctx));
  router.use('/admin', admin);

  const assets = express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: true });
  return { router, assets, renderError: pages.renderError };
}
