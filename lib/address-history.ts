/**
 * What the address manifest (terraform-addresses.json, lib/model/history.ts) decides in the desired
 * state: the object each declared address stands for, the renames a model needs before it may
 * move an object to another address, the catalogs, schemas and principals a stack forgets when
 * they leave the model (instead of destroying them), and the warnings about first forgets.
 */
import type { EnvironmentModel } from "./model/types";
import { MANIFEST_FILE } from "./model/history";
import { ModelError, type ModelIssue } from "./model/errors";
import type { DesiredStack } from "./desired-state";
import { requiredVersionOf } from "./resources/backend";
import { catalogAddress, catalogObject } from "./resources/catalog";
import { federationPolicyAddress, federationPolicyObject } from "./resources/federation-policy";
import { grantAddress, grantObject } from "./resources/grant";
import { groupLookupAddress, groupLookupObject } from "./resources/group-lookup";
import { STATEFUL_TYPES } from "./resources/index";
import { permissionAssignmentAddress, permissionAssignmentObject } from "./resources/permission-assignment";
import { schemaAddress, schemaObject } from "./resources/schema";
import { SERVICE_PRINCIPAL, servicePrincipalAddress, servicePrincipalObject } from "./resources/service-principal";
import { servicePrincipalLookupAddress, servicePrincipalLookupObject } from "./resources/service-principal-lookup";
import type { DesiredForget } from "./resources/state-blocks";
import { workspaceBindingAddress, workspaceBindingObject } from "./resources/workspace-binding";

/**
 * Every address a stack declares (resources and data sources) and the object it stands for, in the
 * words the address manifest records (each resource module's): `catalog dev`, `schema dev.models`,
 * `service principal ml-pipelines-dev-service-principal`, `grant on catalog dev to group Databricks
 * - Dev`. Two addresses with one object are one object renamed: it needs a `moved` block.
 */
export function stackObjects(stack: DesiredStack): Map<string, string> {
  const out = new Map<string, string>();
  if (stack.kind === "retiring") return out;
  if (stack.kind === "account") {
    // Each deployer by key, looked up once per policy (a search of the list for each was quadratic in the environments).
    const deployers = new Map<string, (typeof stack.deployerLookups)[number]>();
    for (const e of stack.deployerLookups) if (!deployers.has(e.key)) deployers.set(e.key, e);
    const sp = (key: string) => servicePrincipalObject(key === stack.planLookup.id ? stack.planLookup.applicationId : deployers.get(key)!.servicePrincipal);
    for (const p of stack.policies) out.set(federationPolicyAddress(p.id), federationPolicyObject(p, sp(p.principal)));
    for (const a of stack.assignments) out.set(permissionAssignmentAddress(a.id), permissionAssignmentObject(a, sp(stack.planLookup.id)));
    for (const e of stack.deployerLookups) out.set(servicePrincipalLookupAddress(e.key), servicePrincipalLookupObject(e.servicePrincipal));
    out.set(servicePrincipalLookupAddress(stack.planLookup.id), servicePrincipalLookupObject(stack.planLookup.applicationId));
    return out;
  }
  out.set(servicePrincipalAddress(stack.environment.key), servicePrincipalObject(stack.environment.servicePrincipal));
  out.set(catalogAddress(stack.catalog.id), catalogObject(stack.catalog.name));
  for (const s of stack.catalog.schemas) out.set(schemaAddress(s.id), schemaObject(stack.catalog.name, s.name));
  for (const g of stack.grants) out.set(grantAddress(g.id), grantObject(g));
  for (const b of stack.bindings) out.set(workspaceBindingAddress(b.id), workspaceBindingObject(b));
  for (const g of stack.groupLookups) out.set(groupLookupAddress(g.key), groupLookupObject(g));
  return out;
}

/** Every resource address a stack declares (not data sources: those are never moved). */
export function resourceAddresses(stack: DesiredStack): string[] {
  return [...stackObjects(stack).keys()].filter((a) => !a.startsWith("data."));
}

const typeOf = (address: string) => address.split(".")[0];

/**
 * Objects the address manifest recorded at one address that the model now declares at another,
 * without a `moved` entry: Terraform would destroy the old address (revoking a grant, deleting a
 * schema) and create the new. `npm run update` writes these renames into the model; everything
 * else refuses the model until they are there.
 */
export function missingRenamesIn(model: EnvironmentModel, stacks: readonly DesiredStack[]): { stack: string; from: string; to: string; object: string }[] {
  const out: { stack: string; from: string; to: string; object: string }[] = [];
  for (const stack of stacks) {
    const recorded = model.history?.[stack.name];
    if (!recorded) continue;
    const declared = stackObjects(stack);
    const movedFrom = new Set(stack.moves.map((m) => m.from));
    const byObject = new Map<string, string>();
    for (const [address, object] of declared) if (!address.startsWith("data.") && recorded.addresses[address] === undefined) byObject.set(`${typeOf(address)}\u0000${object}`, address);
    for (const [address, object] of Object.entries(recorded.addresses)) {
      if (object === "" || address.startsWith("data.") || declared.has(address) || movedFrom.has(address)) continue;
      const to = byObject.get(`${typeOf(address)}\u0000${object}`);
      if (to !== undefined) out.push({ stack: stack.name, from: address, to, object });
    }
  }
  return out;
}

export function renameIssue(r: { stack: string; from: string; to: string; object: string }): ModelIssue {
  return {
    path: `moved.${r.stack}`,
    problem: `${r.object} was recorded at ${r.from} (${MANIFEST_FILE}) and is now declared at ${r.to}; without a rename Terraform would destroy the old address and create the new one${r.from.startsWith("databricks_grant.") ? ", in no fixed order, so the privileges can end up revoked" : ""}`,
    fix: `run \`npm run update\`, which adds the rename, or add it by hand: moved: { ${r.stack}: { ${r.from}: ${r.to} } }`,
  };
}

/**
 * The stack with a `removed { destroy = false }` block for every catalog, schema and service
 * principal the manifest recorded in it (or already forgets) that the model no longer declares and
 * does not rename. One the model declares again is declared, not forgotten: it still exists, so
 * it must be adopted (imported), or creating it would fail.
 */
export function withForgets(model: EnvironmentModel, stack: DesiredStack): DesiredStack {
  const recorded = model.history?.[stack.name];
  if (!recorded) return stack;
  const declared = stackObjects(stack);
  const movedFrom = new Set(stack.moves.map((m) => m.from));
  const issues: ModelIssue[] = [];
  const forgets: DesiredForget[] = [];
  const candidates = new Map<string, { object: string; isNew: boolean }>();
  for (const [address, object] of Object.entries(recorded.forgotten ?? {})) {
    // Only what holds data or an identity is ever forgotten: a grant, a binding or a federation
    // policy that leaves the model must be destroyed (revoked), or the access would stay, unmanaged,
    // while the diff reads "revoked". A manifest that says otherwise was not written by this project.
    if (!STATEFUL_TYPES.has(typeOf(address))) {
      issues.push({
        path: "",
        problem: `${MANIFEST_FILE} lists ${address} (${object}) under ${stack.name}'s forgotten, but only catalogs, schemas and service principals are ever forgotten: Terraform would stop managing the access instead of revoking it`,
        fix: `remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE} (npm run update writes that list; it is never edited by hand but to drop an entry)`,
      });
      continue;
    }
    candidates.set(address, { object, isNew: false });
  }
  for (const [address, object] of Object.entries(recorded.addresses)) if (STATEFUL_TYPES.has(typeOf(address)) && !candidates.has(address)) candidates.set(address, { object, isNew: true });
  for (const [address, { object, isNew }] of [...candidates].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (movedFrom.has(address)) continue;
    if (!declared.has(address)) {
      forgets.push({ address, object: object || address, isNew });
      continue;
    }
    if (isNew || stack.kind !== "workspace") continue;
    // Forgotten earlier and declared again: the object was left in the workspace.
    const adopted =
      address === catalogAddress(stack.catalog.id) ? stack.catalog.importId !== undefined : stack.catalog.schemas.some((s) => address === schemaAddress(s.id) && s.importId !== undefined);
    if (!adopted && typeOf(address) !== SERVICE_PRINCIPAL.type) {
      const schema = stack.catalog.schemas.find((s) => address === schemaAddress(s.id));
      issues.push({
        path: schema ? `environments.${stack.environment.key}.catalog.schemas` : `environments.${stack.environment.key}.catalog`,
        problem: `${object || address} was forgotten by Terraform earlier (${MANIFEST_FILE}, ${stack.name} forgotten) and is still in the workspace, so creating it again would fail with "already exists"`,
        fix: schema
          ? `add ${schema.name} to environments.${stack.environment.key}.catalog.adopt.schemas (the stack then imports it); or drop it by hand first and remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE}`
          : `set environments.${stack.environment.key}.catalog.adopt.catalog: true (the stack then imports it); or drop it by hand first and remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE}`,
      });
    }
  }
  if (issues.length > 0) throw new ModelError(model.source, issues);
  if (forgets.length === 0) return stack;
  return { ...stack, forgets, requiredVersion: requiredVersionOf(stack.backend, false, true) };
}

/** One warning per object the model forgets for the first time: what happens, and how to delete it if that was meant. */
export function forgetWarnings(model: EnvironmentModel, stacks: readonly DesiredStack[]): string[] {
  const out: string[] = [];
  for (const stack of stacks) {
    for (const f of stack.forgets) {
      if (!f.isNew) continue;
      const [kind, name] = [f.object.split(" ")[0], f.object.split(" ").slice(1).join(" ")];
      const byHand =
        kind === "schema"
          ? `DROP SCHEMA ${name} (with CASCADE to drop its tables) as its owner`
          : kind === "catalog"
            ? `DROP CATALOG ${name} CASCADE as its owner`
            : `delete the service principal ${f.object.replace(/^service principal /, "")} in the account console`;
      out.push(
        `${model.source}: ${f.object} (${stack.name} ${f.address}) is no longer in the model: Terraform will forget it (a removed block with destroy = false), ` +
          `and it stays in the workspace with its data${kind === "service principal" ? " and memberships" : ""}; the grants the stack declared on or to it are revoked. ` +
          `If you meant to delete it, do it by hand after the deploy: ${byHand}. \`npm run update\` records the forget in ${MANIFEST_FILE}.`,
      );
    }
  }
  return out;
}

/**
 * A rename must land on an address the stack declares, and its old address must be gone: otherwise
 * the moved block would re-address state onto nothing (or onto a second resource).
 */
export function checkMoves(model: EnvironmentModel, stacks: readonly DesiredStack[]): void {
  const issues: ModelIssue[] = [];
  for (const stack of stacks) {
    if (stack.moves.length === 0) continue;
    const declared = new Set(resourceAddresses(stack));
    for (const { from, to } of stack.moves) {
      const path = `moved.${stack.name}.${from}`;
      if (!declared.has(to)) issues.push({ path, problem: `moves to ${to}, which ${stack.name} does not declare`, fix: `name the new address as terraform plan shows it (e.g. ${[...declared].find((a) => a.startsWith(to.split(".")[0])) ?? [...declared][0]})`, value: to });
      if (declared.has(from)) issues.push({ path, problem: `moves from ${from}, which ${stack.name} still declares`, fix: "remove the rename: the old address still exists", value: from });
    }
  }
  if (issues.length > 0) throw new ModelError(model.source, issues);
}
