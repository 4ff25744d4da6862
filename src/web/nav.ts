/** One entry of the team-management sidebar. Sections render in the order of SECTION_ORDER. */
export interface NavEntry {
  href: string;
  label: string;
  section: NavSection;
}

export type NavSection = 'Team' | 'Customization' | 'Logs';
export const SECTION_ORDER: NavSection[] = ['Team', 'Customization', 'Logs'];

export interface NavGroup {
  section: NavSection;
  entries: Array<NavEntry & { current: boolean }>;
}

/** The sidebar for the page at `path`, grouped by section; entries come from the admin pages that exist. */
export function navGroups(entries: NavEntry[], path: string): NavGroup[] {
  return SECTION_ORDER.map((section) => ({
    section,
    entries: entries.filter((e) => e.section === section).map((e) => ({ ...e, current: path === e.href || path.startsWith(`${e.href}/`) })),
  })).filter((g) => g.entries.length > 0);
}
