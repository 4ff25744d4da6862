import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service';
import { createAuditor, type Auditor } from './accounts/audit';
import type { Config } from './config';
import { TeamSettingsService } from './accounts/team-settings';
import { GroupService } from './scim/group-service';
import { ScimTokenService } from './scim/token-service';
import type { GroupOfUser, Store } from './store/port';

/** Everything the HTTP layer and the CLI need, built once from config + store. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  audit: Auditor;
  accounts: AccountService;
  scimTokens: ScimTokenService;
  groups: GroupService;
  /** The groups a user belongs to, for the SCIM User resource's read-only `groups` attribute. */
  groupsOfUser: (teamId: string, userId: string) => Promise<GroupOfUser[]>;
  teamSettings: TeamSettingsService;
}

export function createServices(config: Config, store: Store, logger: Logger): Services {
  const audit = createAuditor(store);
  const accounts = new AccountService(store, config, audit);
  // Until a team connects an IdP there is none to bind a token to.
  const idpExists = async () => false;
  const scimTokens = new ScimTokenService(store, audit, config.maxScimTokensPerTeam, idpExists);
  const groups = new GroupService(store, audit);
  const groupsOfUser = (teamId: string, userId: string) => store.groups.groupsOfUser(teamId, userId);
  const teamSettings = new TeamSettingsService(store, audit);
  return { config, store, logger, audit, accounts, scimTokens, groups, groupsOfUser, teamSettings };
}
