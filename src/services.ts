import { ProvisioningLogWriter } from './scim/provisioning-log';
import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service';
import { AuditLogService } from './accounts/audit-log';
import { PeopleService } from './accounts/people-service';
import { DirectoryHandover } from './accounts/directory-handover';
import { createAuditor, type Auditor } from './accounts/audit';
import { EmailValidationService } from './accounts/email-validation-service';
import { InvitationService } from './accounts/invitation-service';
import type { Config } from './config';
import { ExpiredRowPurger } from './expired-row-purger';
import { RateLimits } from './http/rate-limits';
import { createMailer, type Mailer } from './mail/mailer';
import { IdentityProviderService } from './saml/idp-service';
import { isUuid } from './saml/uuid';
import { MetadataRefresher } from './saml/metadata-refresh';
import { RedirectPolicy } from './saml/redirect-targets';
import { SamlScheduler } from './saml/saml-scheduler';
import { SpKeyRollover } from './saml/sp-key-rollover';
import { SpKeyring } from './saml/sp-keyring';
import { keyWrapFromConfig, type KeyWrap } from './secrets/key-wrap';
import { SsoService } from './saml/sso-service';
import { TeamSettingsService } from './accounts/team-settings';
import { GroupService } from './scim/group-service';
import { ScimTokenService } from './scim/token-service';
import { ScimUserService } from './scim/user-service';
import type { GroupOfUser, Store } from './store/port';
import type { Authenticator } from './http/passport';
import { createPassport } from './passport';

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
  emailValidation: EmailValidationService;
  scimUsers: ScimUserService;
  provisioningLog: ProvisioningLogWriter;
  idps: IdentityProviderService;
  sso: SsoService;
  metadataRefresher: MetadataRefresher;
  samlScheduler: SamlScheduler;
  /** Deletes expired rows on a schedule (PURGE_INTERVAL_SECONDS); started and stopped by the composition root. */
  expiredRowPurger: ExpiredRowPurger;
  groups: GroupService;
  /** The groups a user belongs to, for the SCIM User resource's read-only `groups` attribute. */
  groupsOfUser: (teamId: string, userId: string) => Promise<GroupOfUser[]>;
  teamSettings: TeamSettingsService;
  /** Login and minting limits; counted in the store unless RATE_LIMIT_STORE=memory. */
  rateLimits: RateLimits;
  /** Wraps private keys and secrets kept in the store (KEY_ENCRYPTION_KEY). */
  keyWrap: KeyWrap;
  /** The SP key pairs from the store, re-read every few seconds (rollover without restart). */
  spKeyring: SpKeyring;
  /** `gatehouse sp-keys status|stage|activate|retire` and the SSO page's certificate list. */
  spKeyRollover: SpKeyRollover;
  /** The CSRF HMAC key from the store; the server loads it at start (the CLI does not need it). */
  csrfSecret: string | null;
  /** passport with every way in (src/passport.ts). */
  passport: Authenticator;
  people: PeopleService;
  /** Hands a password account to the SCIM directory (People page and POST /users/{id}/hand-to-directory). */
  handover: DirectoryHandover;
  auditLog: AuditLogService;
}

export interface ServiceOptions {
  /** The CSRF HMAC key, loaded from the store by the server at start. */
  csrfSecret?: string;
}

export function createServices(config: Config, store: Store, logger: Logger, options: ServiceOptions = {}): Services {
  const audit = createAuditor(store);
  const accounts = new AccountService(store, config, audit);
  const idpExists = async (teamId: string, idpId: string) => isUuid(idpId) && (await store.idps.get(teamId, idpId.toLowerCase())) !== null;
  const scimTokens = new ScimTokenService(store, audit, config.maxScimTokensPerTeam, idpExists);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, logger });
  const invitations = new InvitationService(store, config, mailer, audit, logger);
  const emailValidation = new EmailValidationService(store, invitations, audit);
  const scimUsers = new ScimUserService(store, config, invitations, emailValidation);
  const idps = new IdentityProviderService(store, config, audit, (ids) => scimTokens.forgetTokens(ids));
  const keyWrap = keyWrapFromConfig(config);
  const spKeyring = new SpKeyring(store, keyWrap);
  const sso = new SsoService(store, config, audit, accounts, new RedirectPolicy(config.publicUrl, config.redirectAllowlist), spKeyring, logger, options.csrfSecret ?? null);
  const metadataRefresher = new MetadataRefresher(store, config, audit, logger);
  const samlScheduler = new SamlScheduler(metadataRefresher, logger);
  const expiredRowPurger = new ExpiredRowPurger(store, config.purgeIntervalSeconds * 1000, logger);
  const groups = new GroupService(store);
  const groupsOfUser = (teamId: string, userId: string) => store.groups.groupsOfUser(teamId, userId);
  const teamSettings = new TeamSettingsService(store, audit);
  const provisioningLog = new ProvisioningLogWriter(store, logger);
  const rateLimits = new RateLimits(config.rateLimitStore === 'memory' ? null : store.rateLimits);
  const passport = createPassport({ accounts, scimTokens, sso });
  return { config, store, logger, audit, accounts, scimTokens, mailer, invitations, emailValidation, scimUsers, provisioningLog, idps, sso, metadataRefresher, samlScheduler, expiredRowPurger, groups, groupsOfUser, teamSettings, rateLimits, keyWrap, spKeyring, spKeyRollover: new SpKeyRollover(store, keyWrap, spKeyring, config.certsDir, audit), csrfSecret: options.csrfSecret ?? null, passport, people: new PeopleService(store), handover: new DirectoryHandover(store), auditLog: new AuditLogService(store) };
}
