/**
 * `databricks_service_principal_federation_policy`: whose tokens may sign in as a principal. A
 * deploying principal trusts only GitHub's tokens for this repository's job in its own GitHub
 * environment (whose required reviewers gate prod); the read-only plan principal trusts the pull
 * requests' tokens and the deploy branch's plan jobs; every policy takes the account as audience.
 */
import type { Construct } from "constructs";
import type { ServicePrincipalFederationPolicy } from "../cdk";
import type { ExpectedBody } from "./json";
import { addressOf, invalid, logicalId, named, type ResourceType } from "./resource";
import { servicePrincipalIdOf, type ServicePrincipalLookupBlock } from "./service-principal-lookup";

/** GitHub's OIDC token issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** The OIDC subject of a GitHub Actions job that runs in a GitHub environment. */
export function environmentSubject(repository: string, githubEnvironment: string): string {
  return `repo:${repository}:environment:${githubEnvironment}`;
}

/** The OIDC subject of a GitHub Actions job of a push to a branch, outside any GitHub environment. */
export function branchSubject(repository: string, branch: string): string {
  return `repo:${repository}:ref:refs/heads/${branch}`;
}

/** The OIDC subject of a GitHub Actions job triggered by a pull request. */
export function pullRequestSubject(repository: string): string {
  return `repo:${repository}:pull_request`;
}

export interface DesiredFederationPolicy {
  /** The resource's name: `github__<environment>`, `github__plan`, `github__plan__deploy`. */
  readonly id: string;
  /** The `data.databricks_service_principal` it is for. */
  readonly principal: string;
  readonly subject: string;
  readonly description: string;
}

export const FEDERATION_POLICY = {
  type: "databricks_service_principal_federation_policy",
  mode: "resource",
  stateful: false,
  protected: false,
  access: false,
  heading: "principals and lookups",
  coreAttributes: ["oidc_policy", "service_principal_id", "description"],
  /** The attributes that decide who can sign in as the principal (the diff's trust rows show them). */
  trustAttributes: ["oidc_policy", "service_principal_id"],
  gate: {
    extraBlock: "federation-trust",
    extraAttribute: () => ({ rule: "federation-trust" }),
    differs: (d) => (d.actual === undefined ? undefined : { rule: "federation-trust" }),
  },
} as const satisfies ResourceType & { trustAttributes: readonly string[] };

/** A policy's name: `github__` and whose jobs it trusts (`github__dev`, `github__plan`, `github__plan__deploy`). */
export function federationPolicyId(...trusted: readonly string[]): string {
  return logicalId("github", ...trusted);
}

/** `databricks_service_principal_federation_policy.<id>`. */
export function federationPolicyAddress(id: string): string {
  return addressOf(FEDERATION_POLICY, id);
}

/** The policy as the gate expects it; `audience`: the account's ID. */
export function expectedFederationPolicy(p: DesiredFederationPolicy, audience: string): ExpectedBody {
  return { description: p.description, oidc_policy: { audiences: [audience], issuer: GITHUB_ISSUER, subject: p.subject }, service_principal_id: servicePrincipalIdOf(p.principal) };
}

/** What the address manifest records it as; `principal`: `service principal <name or application ID>`. */
export function federationPolicyObject(p: DesiredFederationPolicy, principal: string): string {
  return `federation policy of ${principal} for ${p.subject}`;
}

export interface FederationPolicyProps {
  /** The resource's name. */
  readonly id: string;
  /** The principal it lets sign in (the account stack's lookup of it). */
  readonly principal: ServicePrincipalLookupBlock;
  /** The OIDC token's `sub` it accepts. */
  readonly subject: string;
  /** The OIDC token's audience: the account's ID. */
  readonly audience: string;
  readonly description: string;
}

/** Renders the policy at `scope`/`id` (the construct path stays the caller's). */
export class FederationPolicyBlock {
  readonly resource: ServicePrincipalFederationPolicy;

  constructor(scope: Construct, constructId: string, props: FederationPolicyProps) {
    if (!/^repo:[^:]+\/[^:]+:./.test(props.subject)) invalid(`federation policy ${props.id}'s subject`, props.subject, "a GitHub Actions subject (repo:ORG/REPO:...)");
    if (props.audience.trim() === "") invalid(`federation policy ${props.id}'s audience`, props.audience, "the account's ID");
    this.resource = named(FEDERATION_POLICY, props.id, (c) => new c.ServicePrincipalFederationPolicy(scope, constructId, {
      servicePrincipalId: c.Token.asNumber(props.principal.lookup.spId),
      description: props.description,
      oidcPolicy: { issuer: GITHUB_ISSUER, subject: props.subject, audiences: [props.audience] },
    }));
  }
}
