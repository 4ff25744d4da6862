/**
 * Per-team SP identity. The entityID is the team's metadata URL: unique per team (two teams in
 * one Entra tenant need distinct identifiers, and the audience check then stops team A's
 * assertions from working at team B's ACS) and resolvable, which IdP admin consoles like.
 */
function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

export function spEntityId(publicUrl: string, teamId: string): string {
  return `${base(publicUrl)}/sso/metadata/${encodeURIComponent(teamId)}`;
}

export function spAcsUrl(publicUrl: string, teamId: string): string {
  return `${base(publicUrl)}/sso/finalize-login/${encodeURIComponent(teamId)}`;
}
