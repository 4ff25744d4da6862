/**
 * The SCIM filter test corpus: people and groups with the edge cases filters trip over (booleans,
 * missing and empty values, non-ASCII names, regex and LIKE metacharacters, dates, several emails,
 * single objects where arrays are usual), and the filters — SCIM text where the schema knows the
 * attribute, ASTs for attributes it does not (score, verified). Used by mongo-filter-parity.test.ts.
 */
import type { FilterNode } from '../../src/store/query';
import { GROUP_RESOURCE_TYPE } from '../../src/scim/resource-types';
import { parseFilter } from '../../src/scim/filter';
import type { NewUser } from '../../src/store/port';
import { ENTERPRISE, WIRE_PROFILE, and, cmp, newUser, not, or, pr, where } from '../support/store-fixtures';

const at = (second: number) => `2024-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

export function corpusPeople(teamId: string, s: string): Record<string, NewUser> {
  return {
    ada: newUser(teamId, {
      handle: `ada.${s}`, displayName: 'Ada Lovelace', externalId: 'ada@acme.test', email: `Ada.${s}@Acme.test`, createdAt: at(1),
      scim: {
        name: { givenName: 'Ada', familyName: 'Lovelace' }, title: 'Engineer', score: 5, verified: true,
        emails: [{ value: 'Ada@Acme.test', type: 'work', primary: true }, { value: 'ada@home.test', type: 'home' }],
        phoneNumbers: [{ value: '+1 555 0100', type: 'work' }], roles: [{ value: 'analyst' }],
        [ENTERPRISE]: { department: 'R&D', employeeNumber: '100', manager: { value: 'mgr-1' } },
        [WIRE_PROFILE]: { richInfo: [{ type: 'Department', value: 'Math' }] },
      },
    }),
    grace: newUser(teamId, {
      handle: `grace.${s}`, displayName: 'Grace Hopper', externalId: 'grace', status: 'suspended', createdAt: at(2),
      scim: {
        name: { givenName: 'Grace', familyName: 'Hopper' }, title: 'Rear Admiral', score: 9, verified: false,
        emails: [{ value: 'grace@navy.test', type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Navy', manager: { value: 'mgr-2' } },
      },
    }),
    linus: newUser(teamId, { handle: `linus.${s}`, displayName: 'linus torvalds', externalId: 'linus', createdAt: at(3), scim: {} }),
    bobby: newUser(teamId, {
      handle: `robert.tables.${s}`, displayName: "x' OR '1'='1", externalId: "Robert'); DROP TABLE users;--", status: 'pending', createdAt: at(4),
      scim: { title: '50%_off', emails: [{ value: 'bobby@acme.test', type: 'WORK' }] },
    }),
    edsger: newUser(teamId, {
      handle: `edsger.${s}`, displayName: 'Edsger Dijkstra', externalId: 'edsger', createdAt: at(5),
      scim: { name: { givenName: 'Edsger' }, title: 'engineer', score: 3, emails: [{ value: 'edsger@acme.test', type: 'work' }] },
    }),
    emile: newUser(teamId, {
      handle: `emile.${s}`, displayName: 'Émile Zola', externalId: 'ÉMILE', createdAt: at(6),
      scim: {
        name: { givenName: 'Émile', familyName: 'Zola' }, title: 'Écrivain', nickName: 'ÉMILE',
        emails: [{ value: 'Émile@Zola.test', type: 'work' }, { value: 'emile@zola.test', type: 'other', primary: false }],
        phoneNumbers: { value: '+33 1', type: 'work' },
      },
    }),
    regex: newUser(teamId, {
      handle: `re.gex.${s}`, displayName: 'a.b*c (x)+[y]?', externalId: '^$|\\', createdAt: at(7),
      scim: { title: 'C++ dev / $ops', nickName: '', emails: [{ value: 'weird+tag@acme.test', type: 'work', display: '' }], roles: ['admin', 'dev'] },
    }),
    empty: newUser(teamId, {
      handle: `empty.${s}`, displayName: 'Empty Values', externalId: null, createdAt: at(8),
      scim: { title: null, name: {}, emails: [], phoneNumbers: [], verified: null, score: 0 },
    }),
    // Directory-profile users: userName is their own (as sent), the handle derived; externalId shared.
    dana: newUser(teamId, { handle: `dana.${s}`, userName: `Dana.Scully.${s}@FBI.test`, displayName: 'Dana Scully', externalId: 'shared-ext', createdAt: at(9), scim: {} }),
    fox: newUser(teamId, { handle: `aaa.fox.${s}`, userName: `Zz.Fox.${s}@fbi.test`, displayName: 'Fox Mulder', externalId: 'shared-ext', createdAt: at(10), scim: {} }),
  };
}

/** Users: SCIM text filters (parsed by the real parser) and ASTs for attributes outside the schema. */
export function userFilterCorpus(s: string): Array<[string, FilterNode]> {
  const text = [
    `userName eq "ADA.${s}"`, 'userName sw "GR"', 'userName co "."', 'userName ew "X"',
    `userName eq "DANA.SCULLY.${s}@fbi.TEST"`, `userName eq "dana.${s}"`, 'userName sw "dana."', 'userName co "@FBI"', 'userName ew ".TEST"', 'userName gt "zz"', 'not (userName co "fbi")', 'externalId eq "shared-ext"',
    'displayName eq "ada LOVELACE"', 'displayName co "OVE"', 'displayName sw "é"', 'displayName sw "É"', 'displayName eq "émile zola"', 'displayName eq "ÉMILE ZOLA"',
    'displayName co "."', 'displayName co "*c ("', 'displayName co ")+[y]?"', 'displayName co "%"', 'displayName co "_"', `displayName co "'"`,
    'displayName gt "Grace"', 'displayName le "grace hopper"', 'displayName lt "É"',
    'externalId eq "ada@acme.test"', 'externalId eq "ADA@acme.test"', 'externalId co "^$|"', 'externalId ew "\\\\"', 'externalId pr', 'externalId eq null',
    'title eq "ENGINEER"', 'title ne "engineer"', 'title pr', 'title eq null', 'title co "%"', 'title co "_"', 'title sw "50%"', 'title co "e_g"', 'title co "++"', 'title co "/ $"', 'title sw "é"', 'title sw "É"',
    'title gt "E"', 'title ge "engineer"', 'title lt "f"',
    'nickName pr', 'nickName eq "émile"', 'nickName eq "ÉMILE"', 'nickName eq ""',
    'name.givenName pr', 'name.givenName ne null', 'name.familyName sw "hop"', 'name pr', 'name[givenName eq "grace"]', 'name[givenName sw "É"]',
    'meta.created gt "2024-01-01T00:00:03Z"', 'meta.created ge "2024-01-01T00:00:03Z"', 'meta.created lt "2024-01-01T00:00:02.000Z"', 'meta.created le "2024-01-01T00:00:02Z"', 'meta.created eq "2024-01-01T00:00:05Z"', 'meta.lastModified ge "2024-01-01T00:00:00Z"',
    'active eq true', 'active eq false', 'active ne true', 'active pr', 'not (active eq true)',
    'emails pr', 'emails eq "grace@navy.test"', 'emails.value eq "ADA@ACME.TEST"', 'emails.value eq "émile@zola.test"', 'emails.value eq "ÉMILE@ZOLA.TEST"', 'emails.value ew "@ACME.test"', 'emails.value co "+"', 'emails.value ne "ada@home.test"',
    'emails.type eq "work"', 'emails.type eq "WORK"', 'emails.primary eq true', 'emails.primary eq false', 'emails.primary pr', 'emails.primary eq null', 'emails.primary ne null', 'emails.display pr', 'emails.display eq null',
    'emails[type eq "work" and value co "@acme"]', 'emails[type eq "home" and value co "@acme"]', 'emails[primary eq true and value ew "navy.test"]', 'emails[not (type eq "work")]', 'emails[primary pr]', 'emails[display eq null]',
    'emails.type eq "home" and emails.value co "@acme"',
    'phoneNumbers pr', 'phoneNumbers.value sw "+3"', 'phoneNumbers[type eq "WORK"]', 'phoneNumbers.type eq "work"', 'phoneNumbers eq null',
    'roles eq "analyst"', 'roles eq "admin"', 'roles pr', 'roles.value eq "dev"',
    `${ENTERPRISE}:department eq "r&d"`, `${ENTERPRISE}:department pr`, `${ENTERPRISE}:manager.value eq "mgr-2"`, `${ENTERPRISE}:manager pr`,
    `${WIRE_PROFILE}:richInfo[type eq "department" and value eq "Math"]`,
    'title eq "engineer" and active eq true', 'userName sw "gr" or displayName co "torvalds"', 'not (title pr)', 'not (title eq "engineer")', 'not (emails[type eq "work"])',
    'not (name.givenName sw "a" or title co "e")', '(title pr and not (emails.primary eq true)) or displayName sw "e"',
  ];
  const asts: Array<[string, FilterNode]> = [
    ['score gt 3', cmp('score', 'gt', 3)], ['score le 3', cmp('score', 'le', 3)], ['score eq 0', cmp('score', 'eq', 0)], ['score pr', pr('score')], ['score eq null', cmp('score', 'eq', null)],
    ['verified eq true', cmp('verified', 'eq', true)], ['verified eq false', cmp('verified', 'eq', false)], ['verified ne true', cmp('verified', 'ne', true)], ['verified pr', pr('verified')], ['verified eq null', cmp('verified', 'eq', null)],
    ['not (verified pr)', not(pr('verified'))], ['title gt 3 (a number against text)', cmp('title', 'gt', 3)], ['score eq "5" (text against a number)', cmp('score', 'eq', '5')],
    ['roles[value eq "analyst"]', where('roles', cmp('value', 'eq', 'analyst'))],
    ['displayName eq "ada lovelace" caseExact', cmp('displayName', 'eq', 'ada lovelace', true)], ['title co "ENG" caseExact', cmp('title', 'co', 'ENG', true)], ['title co "*" caseExact', cmp('title', 'co', '*', true)], ['title co "[" caseExact', cmp('title', 'co', '[', true)],
    ['and/or nest', or(and(pr('title'), not(cmp('active', 'eq', true))), cmp('emails.value', 'sw', 'É'))],
  ];
  return [...text.map((t): [string, FilterNode] => [t, parseFilter(t)]), ...asts];
}

export interface CorpusGroup {
  key: string;
  displayName: string;
  externalId: string | null;
  members: string[];
}

export const CORPUS_GROUPS: CorpusGroup[] = [
  { key: 'eng', displayName: 'Engineering', externalId: 'ext-eng', members: ['ada', 'edsger', 'regex'] },
  { key: 'navy', displayName: 'Navy', externalId: null, members: ['grace'] },
  { key: 'empty', displayName: 'Nobody Here', externalId: '', members: [] },
  { key: 'accent', displayName: 'Écrivains', externalId: 'ÉCRIVAINS', members: ['emile'] },
  { key: 'meta', displayName: 'a.b*c (x)+[y]? 50%_off', externalId: '^$', members: ['bobby', 'ada'] },
  { key: 'lower', displayName: 'écrivains du dimanche', externalId: 'ecrivains', members: ['emile', 'linus'] },
];

/** Group filters; `{ada}` etc. are replaced by that person's user id. */
export const GROUP_FILTERS: string[] = [
  'displayName eq "engineering"', 'displayName eq "ENGINEERING"', 'displayName eq "écrivains"', 'displayName eq "ÉCRIVAINS"', 'displayName sw "É"', 'displayName sw "é"', 'displayName co "*c (x)+[y]?"', 'displayName co "%_"', 'displayName co "."', 'displayName ew "HERE"', 'displayName gt "N"', 'displayName lt "nobody"',
  'externalId eq "ext-eng"', 'externalId pr', 'externalId eq null', 'externalId co "$"', 'externalId ne "ext-eng"', 'externalId sw "É"',
  'members pr', 'members eq null', 'not (members pr)', 'members[value eq "{ada}"]', 'members.value eq "{emile}"', 'members[value eq "{ADA}"]', 'members eq "{grace}"', 'members ne "{ada}"',
  'members[value eq "{ada}"] and displayName sw "a"', 'members[value eq "{ada}"] or members[value eq "{grace}"]', 'not (members[value eq "{ada}"])', 'members[type eq "User" and value eq "{linus}"]', 'members.value sw "{ada-prefix}"',
  'id eq "{group:eng}" and members[value eq "{edsger}"]', 'meta.created ge "2024-01-01T00:00:03Z"', 'meta.lastModified pr',
  'displayName co "i" and not (members[value eq "{emile}"] or externalId eq null)',
];

export { GROUP_RESOURCE_TYPE };
