import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service';
import { createAuditor, type Auditor } from './accounts/audit';
import type { Config } from './config';
import { ScimTokenService } from './scim/token-service';
import { ScimUserService } from './scim/user-service';
import type { Store } from './store/port';

/** Everything the HTTP layer and the CLI need, built once from config + store. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  audit: Auditor;
  accounts: AccountService;
  scimTokens: ScimTokenService;
  scimUsers: ScimUserService;
}

export function createServices(config: Config, store: Store, logger: Logger): Services {
  const audit = createAuditor(store);
  const accounts = new AccountService(store, config, audit);
  // Until a team connects an IdP there is none to bind a token to.
  const idpExists = async () => false;
  const scimTokens = new ScimTokenService(store, audit, config.maxScimTokensPerTeam, idpExists);
  const scimUsers = new ScimUserService(store, audit, config);
  return { config, store, logger, audit, accounts, scimTokens, scimUsers };
}
