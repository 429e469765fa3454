/**
 * Catalogs and principals: a catalog or service principal added, adopted, forgotten or destroyed,
 * a principal named for the first time or no longer; and the resources of one type keyed by what
 * they are (a catalog's name, a schema's `catalog.schema`, a binding's catalog and workspace),
 * which the owner, protection and binding analysers compare.
 */
import { grantRows } from "../../output/grants";
import { resolveName, resolvePrincipal } from "../../output/references";
import { ReviewInputError, stackLocation, text, type SynthesizedStack } from "../../output/stack";
import { blocksOfType, importsOf } from "../../output/blocks";
import { CATALOG } from "../../resources/catalog";
import { SCHEMA } from "../../resources/schema";
import { SERVICE_PRINCIPAL } from "../../resources/service-principal";
import { WORKSPACE_BINDING } from "../../resources/workspace-binding";
import { addedRemoved, forgets, goneSummary, type Change } from "./change";

/** Principals: those named by grants, and the service principals the output declares. */
function principals(stacks: readonly SynthesizedStack[]): Map<string, { stack: string; resource: string; name: string; kind: string }> {
  const out = new Map<string, { stack: string; resource: string; name: string; kind: string }>();
  for (const s of stacks) {
    for (const { name, address, body: block } of blocksOfType(s, SERVICE_PRINCIPAL.type)) {
      const display = text(block.display_name ?? block.application_id ?? name);
      out.set(`service_principal\u0000${display}`, { stack: s.name, resource: address, name: display, kind: "service_principal" });
    }
  }
  for (const r of grantRows(stacks)) {
    const key = `${r.principalKind}\u0000${r.principal}`;
    if (!out.has(key)) out.set(key, { stack: r.stack, resource: r.principalRef, name: r.principal, kind: r.principalKind });
  }
  return out;
}

export function principalChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  return addedRemoved(principals(base), principals(head), (p, added) => {
    // A service principal the stack declared and no longer does: deleted, or forgotten.
    const declared = !added && p.resource.startsWith(`${SERVICE_PRINCIPAL.type}.`);
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

export interface Block {
  readonly stack: SynthesizedStack;
  readonly resource: string;
  readonly name: string;
  readonly block: { readonly [attr: string]: unknown };
}

/** Resources of one type keyed by a resolved name (a catalog's name, a schema's `catalog.schema`). */
function resources(stacks: readonly SynthesizedStack[], type: string, nameOf: (s: SynthesizedStack, block: Block["block"], id: string) => string): Map<string, Block> {
  const out = new Map<string, Block>();
  for (const s of stacks) {
    for (const { name: id, address, body: block } of blocksOfType(s, type)) {
      const name = nameOf(s, block, id);
      out.set(name, { stack: s, resource: address, name, block });
    }
  }
  return out;
}

export const catalogs = (stacks: readonly SynthesizedStack[]) => resources(stacks, CATALOG.type, (_s, b, id) => text(b.name ?? id));
export const schemas = (stacks: readonly SynthesizedStack[]) =>
  resources(stacks, SCHEMA.type, (s, b, id) => `${resolveName(s.json, b.catalog_name, [])}.${text(b.name ?? id)}`);
/** Bindings keyed by what they bind to whom; the binding type is the value compared. */
export const bindings = (stacks: readonly SynthesizedStack[]) =>
  resources(stacks, WORKSPACE_BINDING.type, (s, b) => `${text(b.securable_type ?? "catalog")} ${resolveName(s.json, b.securable_name ?? b.catalog_name, [])} workspace ${text(b.workspace_id)}`);

export function catalogChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const baseByName = new Map<string, SynthesizedStack>();
  for (const s of base) if (!baseByName.has(s.name)) baseByName.set(s.name, s);
  return addedRemoved(catalogs(base), catalogs(head), (c, added) => ({
    kind: "catalog",
    // A catalog that leaves is deleted with its data, or at best forgotten: a risk either way.
    direction: added ? "neutral" : "risk",
    stack: c.stack.name,
    resource: c.resource,
    securableType: "catalog",
    securable: c.name,
    summary: added
      ? importsOf(c.stack).has(c.resource) && !importsOf(baseByName.get(c.stack.name) ?? { name: "", json: {} }).has(c.resource)
        ? `catalog adopted: imported from the workspace, so it must exist there (the plan fails otherwise)${ownerOf(c) ? `; owner becomes ${ownerOf(c)!.name}` : ""}`
        : `catalog added${ownerOf(c) ? ` (owner ${ownerOf(c)!.name})` : ""}`
      : goneSummary(head, c.stack.name, c.resource, "catalog"),
  }));
}

/** Who owns a catalog or schema, as a reader names them; undefined when the block sets no owner. */
export function ownerOf(b: Block): { name: string; kind: string } | undefined {
  if (b.block.owner === undefined || b.block.owner === null) return undefined;
  const p = resolvePrincipal(b.stack.json, b.block.owner, [], (problem) => {
    throw new ReviewInputError(`${stackLocation(b.stack)}: ${b.resource}: owner: ${problem}.`);
  });
  return { name: p.name, kind: p.kind };
}

/** The catalogs and schemas both outputs declare: type, name, BASE's block, HEAD's block. */
export function keptSecurables(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): (readonly ["catalog" | "schema", string, Block, Block])[] {
  return ([["catalog", catalogs], ["schema", schemas]] as const).flatMap(([type, of]) => {
    const before = of(base);
    return [...of(head)].filter(([name]) => before.has(name)).map(([name, a]) => [type, name, before.get(name)!, a] as const);
  });
}

