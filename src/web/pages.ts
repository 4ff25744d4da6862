import path from 'node:path';
import type { Request, Response } from 'express';
import { Eta } from 'eta';
import type { Config } from '../config';
import type { AppError } from '../http/errors';
import type { HtmlErrorRenderer } from '../http/middleware';
import type { Csrf } from './csrf';
import { helpers } from './format';
import { navGroups, type NavEntry } from './nav';
import { isTeamAdmin, viewerOf } from './session';

/** views/ and public/ sit at the package root, beside src/ (and beside dist/ in the image). */
export const VIEWS_DIR = path.resolve(__dirname, '../../views');
export const PUBLIC_DIR = path.resolve(__dirname, '../../public');

export const PRODUCT_NAME = 'Gatehouse';
const FLASH_COOKIE = 'gh_flash';

export type FlashKind = 'success' | 'info' | 'error';
export interface Flash {
  kind: FlashKind;
  text: string;
}

export interface PageData {
  title: string;
  /** Team-management pages get the sidebar. */
  admin?: boolean;
  [key: string]: unknown;
}

/** Renders views/*.eta inside the shared layout, with what every page needs (viewer, CSRF token, nav, flash). */
export class Pages {
  private readonly eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true, defaultExtension: '.eta' });

  constructor(
    private readonly config: Config,
    private readonly csrf: Csrf,
    private readonly adminNav: () => NavEntry[],
  ) {}

  render(req: Request, res: Response, view: string, data: PageData, status = 200): void {
    const viewer = viewerOf(res);
    const currentPath = req.baseUrl + req.path;
    const html = this.eta.render(view, {
      ...data,
      productName: PRODUCT_NAME,
      publicUrl: this.config.publicUrl,
      demo: this.config.demo,
      viewer,
      isAdmin: isTeamAdmin(viewer),
      nav: data.admin && isTeamAdmin(viewer) ? navGroups(this.adminNav(), currentPath) : null,
      currentPath,
      csrfToken: req.cookies ? this.csrf.token(req, res) : '',
      flash: data.flash ?? takeFlash(req, res),
      h: helpers,
    });
    res.status(status).type('html').send(html);
  }

  /** The error middleware's HTML renderer: what went wrong, which field, how to fix it. */
  readonly renderError: HtmlErrorRenderer = (req, res, error) => {
    try {
      this.render(req, res, 'error', { title: errorTitle(error), error: describeError(error), admin: currentPathIsAdmin(req) }, error.status);
    } catch (err) {
      req.log?.error({ err }, 'error page failed to render');
      res.type('text').send(`${error.status} ${error.message}`);
    }
  };
}

/** A one-line notice shown on the next page (after a POST → redirect). */
export function setFlash(res: Response, flash: Flash): void {
  res.cookie(FLASH_COOKIE, JSON.stringify(flash), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

function takeFlash(req: Request, res: Response): Flash | null {
  const raw = req.cookies?.[FLASH_COOKIE];
  if (typeof raw !== 'string') return null;
  res.clearCookie(FLASH_COOKIE, { path: '/' });
  try {
    const parsed = JSON.parse(raw) as Partial<Flash>;
    if ((parsed.kind === 'success' || parsed.kind === 'info' || parsed.kind === 'error') && typeof parsed.text === 'string')
      return { kind: parsed.kind, text: parsed.text.slice(0, 300) };
  } catch {
    /* not ours: ignore */
  }
  return null;
}

function currentPathIsAdmin(req: Request): boolean {
  return (req.baseUrl + req.path).startsWith('/admin/');
}

const TITLES: Record<number, string> = {
  400: 'Please check what you entered',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'This changed in the meantime',
  413: 'That was too much to send',
  415: 'This form could not be read',
  429: 'Too many attempts',
};

function errorTitle(error: AppError): string {
  return TITLES[error.status] ?? (error.status >= 500 ? 'Something went wrong on our side' : 'That did not work');
}

/** Splits an AppError into what the error page shows; "invalid-email" names the field "email". */
export function describeError(error: AppError) {
  const field = /^invalid-(?!body$|id$)([a-z-]+)$/.exec(error.label)?.[1]?.replace(/-/g, ' ') ?? null;
  return { status: error.status, label: error.label, message: error.message, field };
}
