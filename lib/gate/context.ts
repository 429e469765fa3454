/**
 * What the gate knows while it walks, built once before any rule runs (lookups are O(1)): the
 * expected stacks, who may write to each environment's catalog, the retired principals, the
 * output's grant rows by address, the desired grants by address and by (securable, principal) pair;
 * and what it has found: the violations, and which values an invariant already claimed (a value
 * one rule reports is not reported again by the comparison).
 */
import { isReadOnly } from "../permissions";
import type { DesiredState } from "../desired-state";
import type { EnvironmentModel } from "../model/types";
import type { GrantRow } from "../output/grants";
import { securableName } from "../resources/grant";
import { principalIdentity } from "../resources/principal";
import { expectedStack, type ExpectedStack } from "./expected";
import { ruleOf, type RuleId } from "./rules/index";

export interface Violation {
  readonly rule: RuleId;
  readonly stack: string;
  /** Terraform address (or `provider.databricks`, `terraform.backend`, a file), as a reviewer finds it. */
  readonly resource: string;
  readonly principal?: string;
  /** `catalog prod`, `schema dev.models`, `metastore <id>`. */
  readonly securable?: string;
  readonly privilege?: string;
  /** What is wrong, with the values. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

/** A violation as a rule reports it: the rule's general fix unless it says its own. */
export type Report = Omit<Violation, "rule" | "fix"> & { readonly fix?: string };

export type DesiredGrantEntry = DesiredState["grants"][number];

export class GateContext {
  readonly violations: Violation[] = [];
  readonly model: EnvironmentModel;
  readonly expected = new Map<string, ExpectedStack>();
  /** Who may write to each environment's catalog (lower-case name): `kind\0name` of each principal. */
  readonly writers = new Map<string, Set<string>>();
  /** Retired principals' names and application IDs (lower case), with how to name them. */
  readonly retired: readonly { readonly needle: string; readonly what: string }[];
  /** Each environment's key by its catalog's lower-case name. */
  readonly catalogEnv: Map<string, string>;
  /** Each environment by its stack's name (the first, should two share one). */
  readonly stackEnv = new Map<string, EnvironmentModel["environments"][number]>();
  /** Where each stack was read from, when from disk. */
  readonly stackDirs = new Map<string, string>();
  private readonly claimed = new Set<string>();
  private readonly rowsByAddress = new Map<string, GrantRow>();
  private readonly desiredGrants = new Map<string, DesiredGrantEntry>();
  /** Desired grants by (securable, principal) pair, keyed like the output's grant rows. */
  private readonly desiredPairs = new Map<string, DesiredGrantEntry>();

  constructor(
    readonly desired: DesiredState,
    readonly rows: readonly GrantRow[],
  ) {
    this.model = desired.model;
    for (const s of desired.stacks) this.expected.set(s.name, expectedStack(s));
    for (const { grant } of desired.grants) {
      const s = grant.securable;
      if (s.type === "metastore" || s.type === "external_location" || isReadOnly(grant.privileges)) continue;
      const id = principalIdentity(grant.principal);
      // Unity Catalog names are case-insensitive: `PROD` is prod.
      const catalog = (s.type === "catalog" ? s.name : s.catalog).toLowerCase();
      const set = this.writers.get(catalog) ?? new Set<string>();
      set.add(`${id.kind}\u0000${id.name}`);
      this.writers.set(catalog, set);
    }
    this.retired = this.model.legacyServicePrincipals.flatMap((p) => [
      { needle: p.applicationId.toLowerCase(), what: `the retired service principal ${p.name}'s application ID` },
      { needle: p.name.toLowerCase(), what: `the retired service principal ${p.name}` },
    ]);
    for (const r of rows) this.rowsByAddress.set(`${r.stack}\u0000${r.resource}`, r);
    this.catalogEnv = new Map(this.model.environments.map((e) => [e.catalog.name.toLowerCase(), e.key]));
    for (const e of this.model.environments) if (!this.stackEnv.has(e.stackName)) this.stackEnv.set(e.stackName, e);
    for (const g of desired.grants) {
      this.desiredGrants.set(`${g.stack}\u0000databricks_grant.${g.grant.id}`, g);
      const id = principalIdentity(g.grant.principal);
      this.desiredPairs.set(`${g.grant.securable.type}\u0000${securableName(g.grant.securable)}\u0000${id.kind}\u0000${id.name}`, g);
    }
  }

  /** The output's grant row at an address (a `databricks_grant`). */
  row(stack: string, address: string): GrantRow | undefined {
    return this.rowsByAddress.get(`${stack}\u0000${address}`);
  }

  /** The desired grant at an address. */
  desiredGrant(stack: string, address: string): DesiredGrantEntry | undefined {
    return this.desiredGrants.get(`${stack}\u0000${address}`);
  }

  /** The desired grant of a (securable, principal) pair (pairKey of a row). */
  desiredPair(pair: string): DesiredGrantEntry | undefined {
    return this.desiredPairs.get(pair);
  }

  /** The catalogs a principal may write to, as a list (`kind\0name`). */
  writableBy(kind: string, principal: string): string {
    const id = `${kind}\u0000${principal}`;
    return [...this.writers.entries()].filter(([, set]) => set.has(id)).map(([catalog]) => catalog).sort().join(", ");
  }

  /** An invariant reports this value: the comparison leaves it alone. */
  claim(stack: string, address: string, ...rest: string[]): void {
    this.claimed.add([stack, address, ...rest].join("\u0000"));
  }

  /** Whether the value (or the attribute, or the block, above it) was claimed. */
  isClaimed(stack: string, address: string, ...rest: string[]): boolean {
    for (let i = 0; i <= rest.length; i++) if (this.claimed.has([stack, address, ...rest.slice(0, i)].join("\u0000"))) return true;
    return false;
  }

  push(rule: RuleId, v: Report): void {
    this.violations.push({ rule, ...v, fix: v.fix ?? ruleOf(rule).fix });
  }
}
