import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service';
import { createAuditor, type Auditor } from './accounts/audit';
import { InvitationService } from './accounts/invitation-service';
import type { Config } from './config';
import { createMailer, type Mailer } from './mail/mailer';
import { ScimTokenService } from './scim/token-service';
import type { Store } from './store/port';

/** Everything the HTTP layer and the CLI need, built once from config + store. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  audit: Auditor;
  accounts: AccountService;
  scimTokens: ScimTokenService;
  mailer: Mailer;
  invitations: InvitationService;
}

export function createServices(config: Config, store: Store, logger: Logger): Services {
  const audit = createAuditor(store);
  const accounts = new AccountService(store, config, audit);
  // Until a team connects an IdP there is none to bind a token to.
  const idpExists = async () => false;
  const scimTokens = new ScimTokenService(store, audit, config.maxScimTokensPerTeam, idpExists);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, logger });
  const invitations = new InvitationService(store, config, mailer, audit, logger);
  return { config, store, logger, audit, accounts, scimTokens, mailer, invitations };
}
