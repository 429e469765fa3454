/**
 * What a change does to access: the effective grants, principals, catalogs, workspace bindings and
 * protection flags of two synthesized outputs (BASE and HEAD), compared. Production first; a
 * change that widens access (or weakens protection) is marked apart from one that narrows it.
 */
import * as path from "path";
import { includesPrivilege } from "../permissions";
import type { EnvironmentModel } from "../model/types";
import { localStatePathMatcher } from "../gate/expected";
import { MODEL_HEADING, productionPrincipals, trustChanges } from "./model-facts";
import { PLANNED_ACTIONS, predictPlan, type PlannedAction } from "./terraform-plan";
import { STATEFUL_TYPES } from "../resources/index";
import { SECURABLE_ATTRIBUTES, grantRows, grantSecurable, pairKey, type GrantRow } from "../output/grants";
import { resolveName, resolvePrincipal } from "../output/references";
import { ReviewInputError, normalizeStacks, stackLocation, text, type SynthesizedStack } from "../output/stack";
import { forgottenAddresses, stackBlocks } from "../output/blocks";
import { cell, principalLabel } from "./report";
import { privilegeChange } from "./levels";

/**
 * widens: more access or less protection; risk: the apply itself revokes access (an authoritative
 * grant, a grant recreated at another address); narrows: less access or more protection.
 */
export type Direction = "widens" | "risk" | "narrows" | "neutral";
export type ChangeKind =
  | "grant"
  | "authoritative"
  | "re-grant"
  | "owner"
  | "principal"
  | "catalog"
  | "binding"
  | "protection"
  /** Who can sign in as a principal (a federation policy's trust): lib/review/model-facts.ts. */
  | "trust"
  /** Any other difference in the configuration: listed under its heading (CONFIG_HEADINGS). */
  | "config";

/** A federation policy: whom it lets sign in as its principal is a `trust` change, not configuration. */
const POLICY = "databricks_service_principal_federation_policy";
const TRUST_ATTRIBUTES = ["oidc_policy", "service_principal_id"] as const;

/** Where a non-access difference is listed, in this order. */
export const CONFIG_HEADINGS = [MODEL_HEADING, "stack", "provider", "backend and state", "import, moved, removed", "catalogs and schemas", "principals and lookups", "other resources", "outputs and variables"] as const;
export type ConfigHeading = (typeof CONFIG_HEADINGS)[number];

export interface AccessChange {
  readonly kind: ChangeKind;
  readonly direction: Direction;
  /** Touches a production stack or catalog. */
  readonly prod: boolean;
  /** Where the change is declared: HEAD's stack, or BASE's for a removal. */
  readonly stack: string;
  readonly resource: string;
  readonly securableType?: string;
  readonly securable?: string;
  readonly principal?: string;
  readonly principalKind?: string;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  /**
   * For a protection, binding or owner change: the attribute and its values. A grant change has no
   * attribute; its before and after are the privilege lists (sorted; empty when granted or revoked).
   */
  readonly attribute?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The change in words, without the markers. */
  readonly summary: string;
  /** For a `config` change: the heading it is listed under. */
  readonly heading?: ConfigHeading;
  /**
   * What Terraform does to the resource (lib/review/terraform-plan.ts: HEAD planned over BASE's
   * state); absent where it changes no resource (a lookup, a provider, an output).
   */
  readonly terraform?: PlannedAction;
}

/** Which stacks and catalogs are production. */
export interface ProdScope {
  readonly stacks: ReadonlySet<string>;
  readonly catalogs: ReadonlySet<string>;
  /** Principals whose sign-in is production's (trust changes); undefined without a model: every one. */
  readonly principals?: ReadonlySet<string>;
  /** Production's workspace IDs (a binding or an assignment on them is production's). */
  readonly workspaces?: ReadonlySet<string>;
}

/**
 * Production: from the models given, each one's `production` environment (`production:` in the
 * file, else the environment keyed prod, else the last one), its stack and catalog, marked when
 * either side says so. Pass the BASE side's model: a pull request's own model alone cannot un-mark
 * production. Without any model, the stacks whose name contains "prod". Either way, also every
 * catalog those stacks declare.
 */
export function prodScope(inputs: readonly (readonly SynthesizedStack[])[], ...models: readonly (EnvironmentModel | undefined)[]): ProdScope {
  const outputs = inputs.map(normalizeStacks);
  const known = models.filter((m): m is EnvironmentModel => m !== undefined);
  const stacks = new Set(known.length > 0 ? known.map((m) => m.production.stackName) : outputs.flat().map((s) => s.name).filter((n) => /prod/i.test(n)));
  // Unity Catalog names are case-insensitive: kept lower-case, compared lower-case.
  const catalogs = new Set(known.map((m) => m.production.catalog.name.toLowerCase()));
  for (const s of outputs.flat()) {
    if (!stacks.has(s.name)) continue;
    for (const block of Object.values(s.json.resource?.databricks_catalog ?? {})) if (typeof block.name === "string") catalogs.add(block.name.toLowerCase());
  }
  const workspaces = new Set(known.flatMap((m) => (m.production.workspace.id !== undefined ? [String(m.production.workspace.id)] : [])));
  return { stacks, catalogs, workspaces, ...(known.length > 0 ? { principals: productionPrincipals(known) } : {}) };
}

export function diffOutputs(baseInput: readonly SynthesizedStack[], headInput: readonly SynthesizedStack[], scope: ProdScope): AccessChange[] {
  const base = normalizeStacks(baseInput);
  const head = normalizeStacks(headInput);
  const access = [...grantChanges(base, head), ...authoritativeChanges(base, head), ...principalChanges(base, head), ...catalogChanges(base, head), ...bindingChanges(base, head), ...protectionChanges(base, head), ...ownerChanges(base, head), ...trustChanges(base, head)];
  // A stack HEAD no longer has is not planned at all: nothing it declared is deleted or revoked, so
  // only its "stack removed" row says what happens (lib/review/diff.ts configChanges).
  const gone = new Set(base.filter((b) => !head.some((h) => h.name === b.name)).map((b) => b.name));
  const planned = [...access, ...configChanges(base, head, access)].filter((c) => !gone.has(c.stack) || c.resource === "(stack)" || c.kind === "re-grant");
  const changes = withTerraformActions(base, head, planned);
  const workspaceOf = resourceWorkspaces(base, head);
  const isProd = (c: Omit<AccessChange, "prod">) =>
    scope.stacks.has(c.stack) ||
    (c.kind === "trust" && (scope.principals === undefined || scope.principals.has(c.principal ?? ""))) ||
    (scope.workspaces !== undefined && scope.workspaces.has(workspaceOf.get(`${c.stack}\u0000${c.resource}`) ?? "")) ||
    (c.securable !== undefined && c.securableType !== "metastore" && scope.catalogs.has(c.securable.split(".")[0].trim().toLowerCase()));
  // A fixed key order for the JSON: what kind of change first, then where, then what.
  return changes.map(({ kind, direction, ...rest }) => ({ prod: isProd({ kind, direction, ...rest }), direction, kind, ...rest })).sort(compareChanges);
}

/**
 * What a new stack needs applied first: its lookups of service principals by display name find
 * them only once the stacks that create them are applied (the account stack after the workspace
 * stacks), an order no plan of it alone shows.
 */
function dependsOn(stack: SynthesizedStack, all: readonly SynthesizedStack[]): string {
  const looked = Object.values(stack.json.data?.databricks_service_principal ?? {}).map((b) => b.display_name).filter((n): n is string => typeof n === "string");
  const creators = all.filter((s) => s.name !== stack.name && Object.values(s.json.resource?.databricks_service_principal ?? {}).some((b) => looked.includes(b.display_name as string))).map((s) => s.name);
  return creators.length === 0 ? "" : `: apply ${creators.join(", ")} first (it looks up the service principals they create by display name, which fails until they exist: README, "Bootstrapping OIDC"; npm run rehearse keeps that order)`;
}

/** The workspace a resource acts on (a binding's, an assignment's `workspace_id`), by stack and address. */
function resourceWorkspaces(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of [...base, ...head]) {
    for (const [type, named] of Object.entries(s.json.resource ?? {})) {
      for (const [name, body] of Object.entries(named)) if (body.workspace_id !== undefined) out.set(`${s.name}\u0000${type}.${name}`, text(body.workspace_id));
    }
  }
  return out;
}

/**
 * Every row gets what Terraform does to its resource, and every resource Terraform changes gets a
 * row: one the access changes do not already give (a schema of a new stack, a replaced binding) is
 * listed under its heading, so the diff names exactly the resources the plan changes.
 */
function withTerraformActions(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[], changes: readonly Omit<AccessChange, "prod">[]): Omit<AccessChange, "prod">[] {
  const planned = new Map(predictPlan(base, head).map((p) => [`${p.stack}\u0000${p.address}`, p]));
  const shown = new Set<string>();
  const out = changes.map((c) => {
    const p = planned.get(`${c.stack}\u0000${c.resource}`);
    if (!p) return c;
    shown.add(`${c.stack}\u0000${c.resource}`);
    return { ...c, terraform: p.action };
  });
  for (const [key, p] of planned) {
    if (shown.has(key)) continue;
    const type = p.address.split(".")[0];
    const heading: ConfigHeading = type === "databricks_catalog" || type === "databricks_schema" ? "catalogs and schemas" : /service_principal|group|user/.test(type) ? "principals and lookups" : "other resources";
    const stateful = STATEFUL_TYPES.has(type);
    const access = /workspace_binding|permission_assignment|grant/.test(type);
    // The old address of a grant declared again elsewhere (a re-grant row): its delete revokes until the create runs.
    const regranted = p.action === "delete" && changes.some((c) => c.kind === "re-grant" && c.summary.includes(` ${p.stack} ${p.address}`));
    const direction: Direction = regranted ? "risk" :
      p.action === "replace" || (stateful && (p.action === "delete" || p.action === "forget"))
        ? "risk"
        : access && (p.action === "create" || p.action === "import")
          ? "widens"
          : access && p.action === "delete"
            ? "narrows"
            : "neutral";
    out.push({ kind: "config", heading, direction, stack: p.stack, resource: p.address, terraform: p.action, summary: `${p.action}: ${p.why}${regranted ? " (the same pair is declared again elsewhere: see the re-grant row)" : ""}` });
  }
  return out;
}

// --- grants -------------------------------------------------------------------------------------

interface Declaration {
  readonly stack: string;
  readonly resource: string;
}

interface Pair {
  readonly first: GrantRow;
  readonly privileges: string[];
  readonly declaredBy: Declaration[];
}

const declared = (d: Declaration) => `${d.stack} ${d.resource}`;

function pairs(stacks: readonly SynthesizedStack[]): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const r of grantRows(stacks)) {
    const p = out.get(pairKey(r)) ?? { first: r, privileges: [], declaredBy: [] };
    p.privileges.push(...r.privileges.filter((x) => !p.privileges.includes(x)));
    p.declaredBy.push({ stack: r.stack, resource: r.resource });
    out.set(pairKey(r), p);
  }
  for (const p of out.values()) p.privileges.sort();
  return out;
}

function grantChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  const before = pairs(base);
  const after = pairs(head);
  const moved = new Map(head.map((s) => [s.name, s.json.moved ?? []]));
  const out: Omit<AccessChange, "prod">[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const row = (a ?? b)!.first;
    const was = b?.privileges ?? [];
    const now = a?.privileges ?? [];
    const added = now.filter((p) => !was.includes(p));
    const removed = was.filter((p) => !now.includes(p));
    const at = {
      stack: row.stack,
      resource: row.resource,
      securableType: row.securableType,
      securable: row.securable,
      principal: row.principal,
      principalKind: row.principalKind,
    };
    if (added.length > 0 || removed.length > 0) {
      // Compared as effective privileges: ALL_PRIVILEGES -> SELECT narrows, though SELECT is "added".
      const widens = now.some((p) => !includesPrivilege(was, p));
      const narrows = was.some((p) => !includesPrivilege(now, p));
      const verb = !b ? "granted" : !a ? "revoked" : "changed";
      out.push({
        ...at,
        kind: "grant",
        direction: widens ? "widens" : narrows ? "narrows" : "neutral",
        added,
        removed,
        // The whole privilege lists, so a reader (the chart) can name the levels: `read → all`.
        before: was,
        after: now,
        // In levels where they match, exact either way: `changed: read +MODIFY`, `granted: read (+EXECUTE ...)`.
        summary: `${verb}: ${privilegeChange(row.securableType, was, now)}`,
      });
    }
    if (b && a) {
      const regrant = reGrant(b, a, moved);
      if (regrant) out.push({ ...at, kind: "re-grant", ...regrant });
    }
  }
  return out;
}

/**
 * A pair that keeps its access but changes address. Without a `moved` block Terraform destroys the
 * old grant (revoking its privileges) and creates the new one, in no fixed order: when the destroy
 * runs last, the privileges are gone until the next apply. A moved block renames it in state; none
 * crosses stacks.
 */
function reGrant(
  b: Pair,
  a: Pair,
  moved: Map<string, readonly { readonly from?: unknown; readonly to?: unknown }[]>,
): { direction: Direction; summary: string } | undefined {
  const now = new Set(a.declaredBy.map(declared));
  const gone = b.declaredBy.filter((d) => !now.has(declared(d)));
  const fresh = a.declaredBy.filter((d) => !b.declaredBy.some((x) => declared(x) === declared(d)));
  if (gone.length === 0 && fresh.length === 0) return undefined;
  const words = `declared by ${a.declaredBy.map(declared).join(", ")} (was ${b.declaredBy.map(declared).join(", ")})`;
  const movedTo = (d: Declaration) => (moved.get(d.stack) ?? []).find((m) => m.from === d.resource && a.declaredBy.some((x) => x.stack === d.stack && x.resource === m.to));
  const unmoved = gone.filter((d) => !movedTo(d));
  const targets = new Set(gone.map((d) => movedTo(d)).filter((m) => m !== undefined).map((m) => text(m!.to)));
  const extra = fresh.filter((d) => !targets.has(d.resource));
  if (unmoved.length === 0 && extra.length === 0) return { direction: "neutral", summary: `${words}, with a moved block: renamed in state, nothing revoked` };
  if (unmoved.length === 0) {
    return { direction: "risk", summary: `${words}: now declared more than once; destroying either revokes what both grant. Fix: keep one declaration` };
  }
  const fixes = unmoved.map((d) => {
    const to = fresh.find((x) => x.stack === d.stack);
    return to
      ? `declare the rename in the model (moved.${d.stack}: { ${d.resource}: ${to.resource} }), which writes the moved block`
      : `a moved block cannot cross stacks: run \`terraform state rm '${d.resource}'\` for ${d.stack} before it applies, so that its destroy revokes nothing`;
  });
  return {
    direction: "risk",
    summary:
      `${words}: without a moved block Terraform destroys the old grant (revoking ${b.privileges.join(", ")}) and creates the new one, in no fixed order, ` +
      `so the privileges can end up revoked. Fix: ${fixes.join("; ")}`,
  };
}

/** An added `databricks_grants` revokes, on every apply, whatever it does not list on its securable. */
function authoritativeChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  const authoritative = (stacks: readonly SynthesizedStack[]) => {
    const out = new Map<string, { stack: SynthesizedStack; resource: string; block: Block["block"] }>();
    for (const s of stacks) {
      for (const [id, block] of Object.entries(s.json.resource?.databricks_grants ?? {})) out.set(`${s.name} databricks_grants.${id}`, { stack: s, resource: `databricks_grants.${id}`, block });
    }
    return out;
  };
  const before = authoritative(base);
  return [...authoritative(head)]
    .filter(([key]) => !before.has(key))
    .map(([, { stack, resource, block }]) => {
      const { securableType, securable } = grantSecurable(stack, resource, block);
      const listed = ((block.grant ?? []) as unknown[]).length;
      return {
        kind: "authoritative" as const,
        direction: "risk" as const,
        stack: stack.name,
        resource,
        securableType,
        securable,
        summary: `databricks_grants added: on every apply it revokes every privilege on ${securableType} ${securable} it does not list; ${listed === 0 ? "it lists none" : `it lists ${listed} principal${listed === 1 ? "" : "s"}`}`,
      };
    });
}

// --- principals, catalogs, bindings, protection -------------------------------------------------

/** Principals: those named by grants, and the service principals the output declares. */
function principals(stacks: readonly SynthesizedStack[]): Map<string, { stack: string; resource: string; name: string; kind: string }> {
  const out = new Map<string, { stack: string; resource: string; name: string; kind: string }>();
  for (const { name: stack, json } of stacks) {
    for (const [name, block] of Object.entries(json.resource?.databricks_service_principal ?? {})) {
      const display = text(block.display_name ?? block.application_id ?? name);
      out.set(`service_principal\u0000${display}`, { stack, resource: `databricks_service_principal.${name}`, name: display, kind: "service_principal" });
    }
  }
  for (const r of grantRows(stacks)) {
    const key = `${r.principalKind}\u0000${r.principal}`;
    if (!out.has(key)) out.set(key, { stack: r.stack, resource: r.principalRef, name: r.principal, kind: r.principalKind });
  }
  return out;
}

function principalChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  return addedRemoved(principals(base), principals(head), (p, added) => {
    // A service principal the stack declared and no longer does: deleted, or forgotten.
    const declared = !added && p.resource.startsWith("databricks_service_principal.");
    return {
      kind: "principal",
      direction: declared && !forgets(head, p.stack, p.resource) ? "risk" : "neutral",
      stack: p.stack,
      resource: p.resource,
      principal: p.name,
      principalKind: p.kind,
      summary: added ? "principal added" : declared ? goneSummary(head, p.stack, p.resource, "service principal") : "principal removed",
    };
  });
}

interface Block {
  readonly stack: SynthesizedStack;
  readonly resource: string;
  readonly name: string;
  readonly block: { readonly [attr: string]: unknown };
}

/** Resources of one type keyed by a resolved name (a catalog's name, a schema's `catalog.schema`). */
function resources(stacks: readonly SynthesizedStack[], type: string, nameOf: (s: SynthesizedStack, block: Block["block"], id: string) => string): Map<string, Block> {
  const out = new Map<string, Block>();
  for (const s of stacks) {
    for (const [id, block] of Object.entries(s.json.resource?.[type] ?? {})) {
      const name = nameOf(s, block, id);
      out.set(name, { stack: s, resource: `${type}.${id}`, name, block });
    }
  }
  return out;
}

const catalogs = (stacks: readonly SynthesizedStack[]) => resources(stacks, "databricks_catalog", (_s, b, id) => text(b.name ?? id));
const schemas = (stacks: readonly SynthesizedStack[]) =>
  resources(stacks, "databricks_schema", (s, b, id) => `${resolveName(s.json, b.catalog_name, [])}.${text(b.name ?? id)}`);
/** Bindings keyed by what they bind to whom; the binding type is the value compared. */
const bindings = (stacks: readonly SynthesizedStack[]) =>
  resources(stacks, "databricks_workspace_binding", (s, b) => `${text(b.securable_type ?? "catalog")} ${resolveName(s.json, b.securable_name ?? b.catalog_name, [])} workspace ${text(b.workspace_id)}`);

/**
 * Whether HEAD's stack forgets an address (`removed` with `lifecycle.destroy = false`): the object
 * stays where it is, unmanaged. Otherwise a resource whose block is gone is destroyed: Terraform
 * drops `prevent_destroy` together with the block.
 */
export function forgets(head: readonly SynthesizedStack[], stack: string, address: string): boolean {
  const s = head.find((h) => h.name === stack);
  return s !== undefined && forgottenAddresses(s).has(address);
}

/** What happens to a stateful object whose block HEAD no longer has. */
export function goneSummary(head: readonly SynthesizedStack[], stack: string, address: string, what: string): string {
  return forgets(head, stack, address)
    ? `${what} forgotten: Terraform stops managing it (removed block, destroy = false); it stays in the workspace${what === "service principal" ? "" : " with its data"}`
    : `${what} removed: Terraform DESTROYS it${what === "service principal" ? "" : " and its data"} (prevent_destroy leaves with the block; the stack needs a removed block with destroy = false)`;
}

function catalogChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  return addedRemoved(catalogs(base), catalogs(head), (c, added) => ({
    kind: "catalog",
    // A catalog that leaves is deleted with its data, or at best forgotten: a risk either way.
    direction: added ? "neutral" : "risk",
    stack: c.stack.name,
    resource: c.resource,
    securableType: "catalog",
    securable: c.name,
    summary: added
      ? (c.stack.json.import ?? []).some((i) => i.to === c.resource) && !(base.find((s) => s.name === c.stack.name)?.json.import ?? []).some((i) => i.to === c.resource)
        ? `catalog adopted: imported from the workspace, so it must exist there (the plan fails otherwise)${ownerOf(c) ? `; owner becomes ${ownerOf(c)!.name}` : ""}`
        : `catalog added${ownerOf(c) ? ` (owner ${ownerOf(c)!.name})` : ""}`
      : goneSummary(head, c.stack.name, c.resource, "catalog"),
  }));
}

/** Who owns a catalog or schema, as a reader names them; undefined when the block sets no owner. */
function ownerOf(b: Block): { name: string; kind: string } | undefined {
  if (b.block.owner === undefined || b.block.owner === null) return undefined;
  const p = resolvePrincipal(b.stack.json, b.block.owner, [], (problem) => {
    throw new ReviewInputError(`${stackLocation(b.stack)}: ${b.resource}: owner: ${problem}.`);
  });
  return { name: p.name, kind: p.kind };
}

/** A new owner holds every privilege on the securable and grants them: widening for the new owner. */
function ownerChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  const out: Omit<AccessChange, "prod">[] = [];
  for (const [type, name, b, a] of keptSecurables(base, head)) {
    const was = ownerOf(b);
    const now = ownerOf(a);
    if (was?.name === now?.name && was?.kind === now?.kind) continue;
    const at = { kind: "owner" as const, stack: a.stack.name, resource: a.resource, securableType: type, securable: name, attribute: "owner", before: was?.name, after: now?.name };
    if (!now) {
      // Without `owner` in the configuration Terraform leaves the owner as it is.
      out.push({ ...at, direction: "neutral", principal: was!.name, principalKind: was!.kind, summary: `owner no longer set: stays ${was!.name} until changed outside Terraform` });
    } else {
      out.push({ ...at, direction: "widens", principal: now.name, principalKind: now.kind, summary: `owner: ${was?.name ?? "(not set)"} -> ${now.name} (the owner holds every privilege and grants them)` });
    }
  }
  return out;
}

/** The catalogs and schemas both outputs declare: type, name, BASE's block, HEAD's block. */
function keptSecurables(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): (readonly ["catalog" | "schema", string, Block, Block])[] {
  return ([["catalog", catalogs], ["schema", schemas]] as const).flatMap(([type, of]) => {
    const before = of(base);
    return [...of(head)].filter(([name]) => before.has(name)).map(([name, a]) => [type, name, before.get(name)!, a] as const);
  });
}

const READ_WRITE = "BINDING_TYPE_READ_WRITE"; // the provider's default binding type

function bindingChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  const before = bindings(base);
  const after = bindings(head);
  const describe = (b: Block) => {
    const type = text(b.block.binding_type ?? READ_WRITE);
    return { type, words: `workspace ${text(b.block.workspace_id)} (${type === READ_WRITE ? "read-write" : "read-only"})` };
  };
  const at = (b: Block) => ({
    kind: "binding" as const,
    stack: b.stack.name,
    resource: b.resource,
    securableType: text(b.block.securable_type ?? "catalog"),
    securable: resolveName(b.stack.json, b.block.securable_name ?? b.block.catalog_name, []),
    attribute: "binding_type",
  });
  const out = addedRemoved(before, after, (b, added) => ({
    ...at(b),
    direction: added ? "widens" : "narrows",
    [added ? "after" : "before"]: describe(b).type,
    summary: `${added ? "binding added" : "binding removed"}: ${describe(b).words}`,
  }));
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b || describe(a).type === describe(b).type) continue;
    out.push({ ...at(a), direction: describe(a).type === READ_WRITE ? "widens" : "narrows", before: describe(b).type, after: describe(a).type, summary: `binding changed: ${describe(b).words} -> ${describe(a).words}` });
  }
  return out;
}

/** A protection flag: how to read it from a block, and which way weakens it. */
const FLAGS: readonly { attribute: string; read: (b: Block["block"]) => string; weakerWhen: string }[] = [
  { attribute: "prevent_destroy", read: (b) => text((b.lifecycle as { prevent_destroy?: unknown } | undefined)?.prevent_destroy === true), weakerWhen: "false" },
  { attribute: "force_destroy", read: (b) => text(b.force_destroy !== undefined && b.force_destroy !== false), weakerWhen: "true" },
  // Unset is OPEN (the provider's default): reachable from every workspace on the metastore.
  { attribute: "isolation_mode", read: (b) => text(b.isolation_mode ?? "OPEN"), weakerWhen: "OPEN" },
];

function protectionChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Omit<AccessChange, "prod">[] {
  const out: Omit<AccessChange, "prod">[] = [];
  for (const [type, name, b, a] of keptSecurables(base, head)) {
    for (const flag of FLAGS) {
      if (flag.attribute === "isolation_mode" && type !== "catalog") continue;
      const was = flag.read(b.block);
      const now = flag.read(a.block);
      if (was === now) continue;
      out.push({
        kind: "protection",
        direction: now === flag.weakerWhen ? "widens" : "narrows",
        stack: a.stack.name,
        resource: a.resource,
        securableType: type,
        securable: name,
        attribute: flag.attribute,
        before: was,
        after: now,
        summary: `${flag.attribute}: ${was} -> ${now}`,
      });
    }
  }
  return out;
}

function addedRemoved<T>(before: Map<string, T>, after: Map<string, T>, change: (item: T, added: boolean) => Omit<AccessChange, "prod">): Omit<AccessChange, "prod">[] {
  return [
    ...[...after].filter(([k]) => !before.has(k)).map(([, v]) => change(v, true)),
    ...[...before].filter(([k]) => !after.has(k)).map(([, v]) => change(v, false)),
  ];
}

// --- everything else: the whole configuration, compared ------------------------------------------

type Json = { readonly [key: string]: unknown };
const isJson = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * JSON without Terraform's `//` comments, for comparing values: keys in order, and lists in order
 * too (every list here is a set to the provider: privileges, audiences, grant blocks), so that
 * reordering alone is no change.
 */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (k, x) =>
    k === "//" ? undefined : isJson(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => byText(a, b))) : Array.isArray(x) ? x.map((e) => [canonical(e), e] as const).sort(([a], [b]) => byText(a, b)).map(([, e]) => e) : x,
  ) ?? "undefined";

/** Every block of a stack by address, with its attributes (nested values kept whole), under its heading. */
function configBlocks(stack: SynthesizedStack): Map<string, { heading: ConfigHeading; attributes: Map<string, unknown> }> {
  const out = new Map<string, { heading: ConfigHeading; attributes: Map<string, unknown> }>();
  const resourceHeading = (type: string, data: boolean): ConfigHeading =>
    type === "databricks_catalog" || type === "databricks_schema"
      ? "catalogs and schemas"
      : /service_principal|group|user/.test(type) || data
        ? "principals and lookups"
        : "other resources";
  for (const b of stackBlocks(stack)) {
    if (b.comment) continue;
    const heading: ConfigHeading =
      b.kind === "resource" || b.kind === "data"
        ? resourceHeading(b.type, b.kind === "data")
        : b.kind === "provider"
          ? "provider"
          : b.kind === "terraform"
            ? b.type === "backend" || b.type === "cloud" ? "backend and state" : "provider"
            : b.kind === "import" || b.kind === "moved" || b.kind === "removed"
              ? "import, moved, removed"
              : b.kind === "variable" || b.kind === "output"
                ? "outputs and variables"
                : "other resources";
    const body = b.kind === "terraform" && !isJson(b.body) ? { "(value)": b.body } : b.body;
    const attributes = new Map<string, unknown>();
    if (isJson(body)) {
      for (const [k, v] of Object.entries(body)) if (k !== "//") attributes.set(k, v);
    } else {
      attributes.set("(value)", body);
    }
    out.set(b.address, { heading, attributes });
  }
  return out;
}

/**
 * The attributes that make a block what an access change says it is (a grant's principal, securable
 * and privileges; a catalog's name, comment and owner; ...): an access change that adds or removes
 * the block shows them. Keys: the resource type, `data:<type>` for a data source.
 */
const CORE_ATTRIBUTES: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  databricks_grant: ["principal", "privileges", ...SECURABLE_ATTRIBUTES],
  databricks_grants: ["grant", ...SECURABLE_ATTRIBUTES],
  databricks_catalog: ["name", "comment", "owner", "isolation_mode"],
  databricks_workspace_binding: ["securable_name", "securable_type", "workspace_id", "binding_type", "catalog_name"],
  databricks_service_principal: ["display_name"],
  [POLICY]: ["oidc_policy", "service_principal_id", "description"],
  "data:databricks_group": ["display_name"],
  "data:databricks_service_principal": ["display_name", "application_id"],
  "data:databricks_user": ["user_name"],
}));

/**
 * A local backend's `path` is written relative to the stack's directory, so the same state file
 * reads differently in outputs synthesized at other folder depths (a base synthesized elsewhere,
 * an output downloaded into another directory). When it is the stack's own state file, as the
 * gate accepts it (lib/gate/expected.ts), it is compared as that; any other path as written.
 */
function ownStateFile(stack: SynthesizedStack, blocks: ReturnType<typeof configBlocks>): ReturnType<typeof configBlocks> {
  const backend = blocks.get("terraform.backend");
  const local = backend?.attributes.get("local");
  if (!backend || !isJson(local) || typeof local.path !== "string") return blocks;
  const stackDir = stack.file !== undefined ? path.dirname(stack.file) : undefined;
  if (localStatePathMatcher(stack.name).test(local.path, { stackDir })) backend.attributes.set("local", { ...local, path: `(${stack.name}'s own state file, terraform.${stack.name}.tfstate)` });
  return blocks;
}

/**
 * Every difference between the two configurations that the access changes above do not already
 * show: provider, backend, imports and moves, removed blocks, schemas, lookups, unknown resources,
 * any attribute. So a reviewer never reads "no access changes" over a change.
 */
function configChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[], access: readonly Omit<AccessChange, "prod">[]): Omit<AccessChange, "prod">[] {
  // What the access changes already show. A block they add or remove is shown up to the attributes
  // that make it what it is (CORE_ATTRIBUTES): anything else in it is listed here too. In a block on
  // both sides, only the attributes the access change is about are shown; every other difference in
  // it is listed here.
  const shownBlocks = new Set<string>();
  const shownAttributes = new Set<string>();
  for (const c of access) {
    if (c.kind === "grant" || c.kind === "re-grant") shownAttributes.add(`${c.stack}\u0000${c.resource}\u0000privileges`);
    if (c.kind === "grant" || c.kind === "re-grant" || c.kind === "authoritative" || c.kind === "catalog" || c.kind === "binding" || c.kind === "principal") shownBlocks.add(`${c.stack}\u0000${c.resource}`);
    // A federation policy's trust is the trust rows' (added, removed or changed, whichever principal it is for).
    if (c.kind === "trust") for (const s of [...base, ...head]) for (const id of Object.keys(s.json.resource?.[POLICY] ?? {})) for (const a of TRUST_ATTRIBUTES) shownAttributes.add(`${s.name}\u0000${POLICY}.${id}\u0000${a}`);
    if (c.kind === "owner" || c.kind === "protection" || c.kind === "binding") shownAttributes.add(`${c.stack}\u0000${c.resource}\u0000${c.attribute === "prevent_destroy" ? "lifecycle" : c.attribute}`);
  }
  // A principal's lookup comes and goes with the grants that name it: those grants are the change.
  const named = (stacks: readonly SynthesizedStack[]) => new Set(grantRows(stacks).map((r) => `${r.stack}\u0000${r.principalRef}`));
  const [namedBefore, namedAfter] = [named(base), named(head)];
  const out: Omit<AccessChange, "prod">[] = [];
  const baseByName = new Map(base.map((s) => [s.name, s]));
  const headByName = new Map(head.map((s) => [s.name, s]));
  for (const name of [...new Set([...baseByName.keys(), ...headByName.keys()])].sort()) {
    const b = baseByName.get(name);
    const a = headByName.get(name);
    if (!b || !a) {
      const declaresResources = Object.keys(b?.json.resource ?? {}).length > 0;
      out.push({
        kind: "config",
        heading: "stack",
        direction: a ? "neutral" : declaresResources ? "risk" : "neutral",
        stack: name,
        resource: "(stack)",
        summary: a
          ? `stack added${dependsOn(a, head)}`
          : declaresResources
            ? "stack removed: Terraform plans nothing for it, so everything it declared (catalog, schemas, principal, grants) stays in the workspace and in its state, unmanaged; nothing is deleted or revoked. To retire it through Terraform instead, list the environment under retired (forgets its catalog, schemas and principal, revokes its grants), deploy, then remove it"
            : "stack removed: it declared no resources (a retired environment's stack, already applied), so nothing is left behind",
      });
      continue;
    }
    const before = ownStateFile(b, configBlocks(b));
    const after = ownStateFile(a, configBlocks(a));
    for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const was = before.get(address);
      const now = after.get(address);
      const heading = (now ?? was)!.heading;
      const at = { kind: "config" as const, heading, stack: name, resource: address };
      // A grant declared or dropped is a change of its pair, which the grant and re-grant rows show:
      // listed here only for what else the block carries.
      const lookupOfGrant = (now ? namedAfter : namedBefore).has(`${name}\u0000${address}`);
      if ((!was || !now) && (shownBlocks.has(`${name}\u0000${address}`) || lookupOfGrant || /^(databricks_grants?|databricks_service_principal_federation_policy)\./.test(address))) {
        const block = (now ?? was)!;
        const core = CORE_ATTRIBUTES.get(address.replace(/^data\./, "data:").split(".")[0]) ?? [];
        const protectedOnly = (v: unknown) => [canonical({ prevent_destroy: true }), canonical({ prevent_destroy: true, ignore_changes: ["comment"] })].includes(canonical(v));
        const extra = [...block.attributes.keys()].filter((k) => !core.includes(k) && !(k === "lifecycle" && protectedOnly(block.attributes.get(k))));
        if (extra.length > 0) {
          out.push({
            ...at,
            direction: "risk",
            summary: `${address} ${now ? "added" : "removed"} with ${extra.map((k) => `${k} = ${cell(canonical(block.attributes.get(k)))}`).join(", ")}`,
          });
        }
        continue;
      }
      if (!was || !now) {
        const removedSecurable = !now && /^databricks_(catalog|schema)\./.test(address);
        // A removed block for a block HEAD drops is shown with that block (forgotten, not destroyed).
        const forgetting = address.startsWith("removed ") && now && before.has(address.slice("removed ".length)) && !after.has(address.slice("removed ".length));
        if (forgetting && canonical(now.attributes.get("lifecycle")) === canonical({ destroy: false })) continue;
        // A lookup of a principal grants nothing: the grant that names it is the access change.
        const lookup = /^data\.databricks_(group|service_principal|user)\./.test(address);
        const direction: Direction =
          address.startsWith("removed ") || removedSecurable || heading === "provider" || heading === "backend and state"
            ? "risk"
            : !lookup && (heading === "other resources" || heading === "principals and lookups")
              ? now
                ? "widens"
                : "narrows"
              : "neutral";
        out.push({
          ...at,
          direction,
          summary: now
            ? `${address} added${address.startsWith("removed ") ? `: terraform ${canonical(now.attributes.get("lifecycle")) === canonical({ destroy: false }) ? "forgets" : "DESTROYS"} what it names` : ""}: ${cell(canonical(Object.fromEntries(now.attributes)))}`
            : removedSecurable
              ? goneSummary(head, name, address, address.startsWith("databricks_catalog.") ? "catalog" : "schema")
              : `${address} removed`,
        });
        continue;
      }
      for (const attr of [...new Set([...was.attributes.keys(), ...now.attributes.keys()])].sort()) {
        const x = was.attributes.get(attr);
        const y = now.attributes.get(attr);
        if (canonical(x) === canonical(y) || shownAttributes.has(`${name}\u0000${address}\u0000${attr}`)) continue;
        const risky = heading === "provider" || heading === "backend and state" || heading === "import, moved, removed" || ["provisioner", "count", "for_each", "provider", "lifecycle", "force_destroy", "application_id"].includes(attr);
        out.push({
          ...at,
          direction: risky ? "risk" : "neutral",
          attribute: attr,
          before: x,
          after: y,
          summary: `${attr}: ${x === undefined ? "(not set)" : canonical(x)} -> ${y === undefined ? "(not set)" : canonical(y)}`,
        });
      }
    }
  }
  return out;
}

// --- order and rendering ------------------------------------------------------------------------

const DIRECTION_ORDER: readonly Direction[] = ["widens", "risk", "narrows", "neutral"];
const KIND_ORDER: readonly ChangeKind[] = ["grant", "owner", "trust", "authoritative", "re-grant", "binding", "protection", "principal", "catalog", "config"];

export function compareChanges(a: AccessChange, b: AccessChange): number {
  const keys = (c: AccessChange) => [
    c.prod ? 0 : 1,
    DIRECTION_ORDER.indexOf(c.direction),
    KIND_ORDER.indexOf(c.kind),
    c.securableType ?? "",
    c.securable ?? "",
    c.principal ?? "",
    c.stack,
    c.resource,
    c.attribute ?? "",
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

/** Printed only when the two configurations are the same in every respect. */
export const NO_CHANGES = "No access changes and no other configuration changes.";

export const MARK: { readonly [D in Direction]: string } = { widens: "+ widens", risk: "! risk", narrows: "- narrows", neutral: "~" };

const markOf = (c: AccessChange) => (c.direction === "widens" || c.direction === "risk" ? `**${MARK[c.direction]}**` : MARK[c.direction]);

/**
 * What Terraform will do, per stack, in one line (the base applied, the head planned; the plan guard
 * holds each real plan to it): `**Terraform**: ref-prod: 1 create; ref-dev: 1 forget`.
 */
function terraformLine(changes: readonly AccessChange[]): string {
  const byStack = new Map<string, Map<string, Set<string>>>();
  for (const c of changes) {
    if (c.terraform === undefined) continue;
    const of = byStack.get(c.stack) ?? new Map<string, Set<string>>();
    of.set(c.terraform, (of.get(c.terraform) ?? new Set<string>()).add(c.resource));
    byStack.set(c.stack, of);
  }
  if (byStack.size === 0) return "**Terraform**: no resource changes (BASE applied, HEAD planned).";
  const stacks = [...byStack.entries()].map(([stack, of]) => `${stack}: ${PLANNED_ACTIONS.filter((a) => of.has(a)).map((a) => `${of.get(a)!.size} ${a}`).join(", ")}`);
  return `**Terraform** (BASE applied, HEAD planned): ${stacks.join("; ")}.`;
}

/**
 * A sticky pull-request comment: access changes first (production first, widening marked apart
 * from narrowing), then every other configuration difference under its heading.
 */
export function renderDiffMarkdown(changes: readonly AccessChange[]): string {
  if (changes.length === 0) return `${NO_CHANGES}\n`;
  const access = changes.filter((c) => c.kind !== "config");
  const config = changes.filter((c) => c.kind === "config");
  const lines: string[] = [];
  if (access.length === 0) {
    lines.push(`### Access changes: none`, "");
  } else {
    const counts = ([["widens", "widen"], ["risk", "risk"], ["narrows", "narrow"], ["neutral", "other"]] as const)
      .map(([d, word]) => [access.filter((c) => c.direction === d).length, word] as const)
      .filter(([n]) => n > 0)
      .map(([n, word]) => `${n} ${word}`);
    const prod = access.filter((c) => c.prod).length;
    lines.push(
      `### Access changes: ${access.length} (${counts.join(", ")})${prod > 0 ? `, **${prod} in PROD**` : ""}`,
      "",
      "`+ widens`: more access or less protection. " +
        (changes.some((c) => c.direction === "risk") ? "`! risk`: the apply itself revokes access or deletes (see What). " : "") +
        "`- narrows`: less access or more protection." +
        (access.some((c) => c.direction === "neutral") ? " `~`: neither by itself (a principal or catalog added or removed, a grant renamed with a moved block)." : ""),
      "",
      "| | Env | Change | Principal | Securable | What | Terraform | Declared by |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const c of access) {
      lines.push(
        `| ${markOf(c)} | ${c.prod ? "**PROD**" : ""} | ${c.kind} | ${c.principal ? cell(principalLabel(c.principal, c.principalKind ?? "")) : ""} | ${c.securable ? cell(`${c.securableType} ${c.securable}`) : ""} | ${cell(c.summary)} | ${c.terraform ?? ""} | ${cell(c.stack)} \`${cell(c.resource)}\` |`,
      );
    }
    lines.push("");
  }
  if (config.length > 0) {
    const prod = config.filter((c) => c.prod).length;
    lines.push(`### Other configuration changes: ${config.length}${prod > 0 ? `, **${prod} in PROD**` : ""}`, "");
    for (const heading of CONFIG_HEADINGS) {
      const under = config.filter((c) => c.heading === heading);
      if (under.length === 0) continue;
      lines.push(`#### ${heading[0].toUpperCase()}${heading.slice(1)}`, "", "| | Env | Stack | Address | What | Terraform |", "| --- | --- | --- | --- | --- | --- |");
      for (const c of under) lines.push(`| ${markOf(c)} | ${c.prod ? "**PROD**" : ""} | ${cell(c.stack)} | \`${cell(c.resource)}\` | ${cell(c.summary)} | ${c.terraform ?? ""} |`);
      lines.push("");
    }
  }
  lines.push(terraformLine(changes));
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}
