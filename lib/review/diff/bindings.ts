/**
 * Workspace binding changes: a catalog reachable from another workspace (widens), no longer
 * (narrows), or bound read-write instead of read-only (widens), keyed by catalog and workspace.
 */
import { text, type SynthesizedStack } from "../../output/stack";
import { resolveName } from "../../output/references";
import { READ_WRITE } from "../../resources/workspace-binding";
import { addedRemoved, type Change } from "./change";
import { bindings, type Block } from "./securables";

export function bindingChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
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

