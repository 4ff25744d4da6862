import type { Router } from 'express';
import type { Services } from '../services';
import type { Csrf } from './csrf';
import type { NavEntry } from './nav';
import type { Pages } from './pages';

/** What every page module gets. */
export interface WebContext {
  services: Services;
  pages: Pages;
  csrf: Csrf;
}

/**
 * One team-management page (or group of pages) under /admin. Its router is mounted behind the
 * owner/admin guard, with form parsing, CSRF checks and HTML errors already in place; `nav` puts
 * it in the sidebar. SSO (/admin/sso) and Groups (/admin/groups) plug in here.
 */
export interface AdminSection {
  nav: NavEntry;
  routes(ctx: WebContext): Router;
}

export const PAGE_SIZE = 25;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `?page=3` → 3; anything else → 1. */
export function pageNumber(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? n : 1;
}

export function queryText(value: unknown, max = 200): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}
