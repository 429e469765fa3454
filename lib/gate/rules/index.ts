/**
 * The policy gate's rules, one file each (this folder), in the order the README's rule table and
 * `policy --help` list them (both generated from here: `npm run --silent policy -- --rules`).
 * rule.ts says what a rule is and how the walk (lib/gate/walk.ts) hands it what it checks.
 */
import { authoritativeGrants } from "./authoritative-grants";
import { authoritativeMetastore } from "./authoritative-metastore";
import { catalogIsolation } from "./catalog-isolation";
import { catalogOwner } from "./catalog-owner";
import { catalogProtection } from "./catalog-protection";
import { differsFromModel } from "./differs-from-model";
import { duplicateKey } from "./duplicate-key";
import { duplicatePair } from "./duplicate-pair";
import { exceedsModel } from "./exceeds-model";
import { federationTrust } from "./federation-trust";
import { missingFromOutput } from "./missing-from-output";
import { principalDeclaration } from "./principal-declaration";
import { providerSecret } from "./provider-secret";
import { providerWorkspace } from "./provider-workspace";
import { retiredPrincipal } from "./retired-principal";
import type { Rule } from "./rule";
import { secretResource } from "./secret-resource";
import { stateGuard } from "./state-guard";
import { unexpectedFile } from "./unexpected-file";
import { unknownConstruct } from "./unknown-construct";
import { unresolvedReference } from "./unresolved-reference";
import { writeOutsideOwnEnvironment } from "./write-outside-own-environment";

export type { Rule } from "./rule";

export const RULES = [
  unexpectedFile,
  duplicateKey,
  unknownConstruct,
  missingFromOutput,
  differsFromModel,
  exceedsModel,
  writeOutsideOwnEnvironment,
  retiredPrincipal,
  duplicatePair,
  authoritativeMetastore,
  authoritativeGrants,
  principalDeclaration,
  federationTrust,
  providerWorkspace,
  providerSecret,
  secretResource,
  catalogProtection,
  catalogOwner,
  catalogIsolation,
  stateGuard,
  unresolvedReference,
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]["id"];

const byId = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

export function ruleOf(id: RuleId): Rule {
  return byId.get(id)!;
}

/** The README's rule table (generated: `npm run --silent policy -- --rules`). */
export function rulesMarkdown(): string {
  return ["| rule | forbids | fix | kind |", "|---|---|---|---|", ...RULES.map((r) => `| \`${r.id}\` | ${r.forbids} | ${r.fix} | ${r.kind} |`)].join("\n") + "\n";
}

/** `policy --help`'s list of rules. */
export function rulesText(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  return RULES.map((r) => `  ${r.id.padEnd(width)}  ${r.forbids}`).join("\n");
}
