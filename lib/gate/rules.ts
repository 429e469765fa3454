/**
 * The policy gate's rules: one entry each, with its id, what it forbids, and the fix it suggests.
 * The README's rule table and `policy --help` are generated from this list.
 *
 * How the rules divide the work (lib/gate/check.ts):
 * - invariants hold for every model and are checked on their own, against the model's facts rather
 *   than the desired state: retired principals never, no write outside the own environment,
 *   catalogs and schemas protected, each pair declared once, the provider on its own host, no secrets;
 * - everything else is default deny: one walk compares each stack with the desired state, in both
 *   directions, and every difference belongs to exactly one rule; a difference no precise rule
 *   claims is `unknown-construct` (something extra), `missing-from-output` (something the model
 *   requires) or `differs-from-model` (a value other than the model's).
 */

export interface Rule {
  readonly id: string;
  /** What it forbids, in one sentence. */
  readonly forbids: string;
  /** The fix, in general; each violation says its own. */
  readonly fix: string;
  /** Checked for every model on its own (not by comparison with the desired state). */
  readonly invariant?: true;
}

export const RULES = [
  { id: "unexpected-file", forbids: "any file terraform would read in a stack directory besides the synthesized cdk.tf.json (override files, extra .tf/.tf.json, tfvars), anything else in the output, and a manifest that disagrees with the stack directories", fix: "delete it and run `npm run synth`; never edit cdktf.out by hand" },
  { id: "duplicate-key", forbids: "a key repeated in one JSON object (terraform merges both copies; JSON.parse keeps only the last)", fix: "remove the repeated key; run `npm run synth`" },
  { id: "unknown-construct", forbids: "anything the model does not produce: a top-level block, resource or data type, block, meta-argument (count, for_each, provisioner, depends_on, provider) or attribute", fix: "remove it, or extend the desired state (lib/desired-state.ts) and its rendering (lib/gate/expected.ts) in the same reviewed change" },
  { id: "missing-from-output", forbids: "output that lacks a grant, owner, isolation mode, binding, lookup, import or output the model requires", fix: "declare it through the constructs (the stacks render lib/desired-state.ts), or change the model" },
  { id: "differs-from-model", forbids: "an attribute whose value is not the one the model gives", fix: "write the model's value (the stacks render lib/desired-state.ts), or change the model" },
  { id: "exceeds-model", forbids: "a principal holding more on a securable than the permission model gives it", fix: "remove the privilege, or give it in the model and synthesize again" },
  { id: "write-outside-own-environment", forbids: "a principal writing to an environment's catalog that the model lets write only to others (a deploying principal writes to its own catalog only)", fix: "remove the privilege; only the environment's own writers may write to its catalog", invariant: true },
  { id: "retired-principal", forbids: "any value anywhere naming a retired principal (legacyServicePrincipals: name or application ID, any case)", fix: "remove it; use the environment's own service principal", invariant: true },
  { id: "duplicate-pair", forbids: "a (securable, principal) pair declared more than once across all stacks", fix: "keep the declaration in one stack (the one that owns the securable or the principal)", invariant: true },
  { id: "authoritative-metastore", forbids: "databricks_grants (authoritative) on the shared metastore", fix: "declare each (metastore, principal) pair with its own databricks_grant" },
  { id: "authoritative-grants", forbids: "databricks_grants (authoritative) on any other securable", fix: "declare each (securable, principal) pair with its own databricks_grant" },
  { id: "principal-declaration", forbids: "principals other than the model's: a created group or user, a service principal other than the stack's own deployer, an application_id pinned on it, a lookup by anything but the model's identifier, a grant naming another principal", fix: "grant to and look up the model's principals only, by the model's identifiers" },
  { id: "federation-trust", forbids: "a federation policy that trusts other tokens than the model's: a deploying principal only its own GitHub environment's, the plan principal only pull_request tokens and the deploy branch's plan jobs, the account as audience", fix: "write the subject, issuer and audience the model gives (lib/desired-state.ts)" },
  { id: "provider-workspace", forbids: "a provider aimed elsewhere than the stack's own target: another local name, alias, source or version, a host (or account_id) other than the model's literal, another profile", fix: "one `databricks` provider with the model's literal host and profile" },
  { id: "provider-secret", forbids: "a credential in the configuration: a secret-named provider attribute, or a token- or key-shaped value anywhere", fix: "remove it (and revoke it); people use their CLI profile, CI signs in through OIDC", invariant: true },
  { id: "secret-resource", forbids: "resources that create long-lived secrets (tokens, service principal secrets)", fix: "remove it; CI signs in through OIDC federation" },
  { id: "catalog-protection", forbids: "a catalog or schema without lifecycle.prevent_destroy, or with force_destroy", fix: "set lifecycle.prevent_destroy = true and remove force_destroy (GovernedCatalog does)", invariant: true },
  { id: "catalog-owner", forbids: "a catalog (or schema) owned by anyone but its environment's deploying principal declared in the same stack", fix: "owner = the stack's databricks_service_principal application_id (GovernedCatalog does)" },
  { id: "catalog-isolation", forbids: "an isolation_mode other than the model's (ISOLATED with every workspace ID known, else unset: new catalogs OPEN, adopted ones keep theirs), and workspace bindings other than the model's read-only ones", fix: "leave isolation and bindings to GovernedCatalog (the desired state decides them)" },
  { id: "state-guard", forbids: "anything that destroys, forgets, re-addresses or adopts state outside the model: removed blocks, moved blocks other than the model's renames (`moved`), import blocks other than its adoptions, an import ID that is not the resource's own securable, a backend, state path or key that is not the stack's own", fix: "remove it; adopt through the model's `adopt`, rename through its `moved`" },
  { id: "unresolved-reference", forbids: "a grant naming its principal or securable through an expression the gate cannot resolve to the model's", fix: "name what the model names: the stack's own lookups and resources, or literals" },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]["id"];

const byId = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

export function ruleOf(id: RuleId): Rule {
  return byId.get(id)!;
}

/** The README's rule table (generated: `npm run --silent policy -- --rules`). */
export function rulesMarkdown(): string {
  return ["| rule | forbids | fix | kind |", "|---|---|---|---|", ...RULES.map((r) => `| \`${r.id}\` | ${r.forbids} | ${r.fix} | ${"invariant" in r ? "invariant" : "comparison"} |`)].join("\n") + "\n";
}

/** `policy --help`'s list of rules. */
export function rulesText(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  return RULES.map((r) => `  ${r.id.padEnd(width)}  ${r.forbids}`).join("\n");
}
