/**
 * Terraform addresses are an external contract: an address that disappears is a resource Terraform
 * destroys. The committed manifest (terraform-addresses.json, lib/model/history.ts) records every
 * address per stack with the object it stands for, the imports, and what each stack forgets; a
 * test compares it with what the model declares now, and `npm run update` records a change on
 * purpose. The model is read with it: a catalog, schema or principal that leaves the model is
 * forgotten (never destroyed), an object that moves to another address needs a `moved` entry.
 */
import type { DesiredState } from "../desired-state";
import { stackObjects } from "../address-history";
import { STATEFUL_TYPES } from "../resources/index";
import { MANIFEST_FILE, type AddressManifest, type StackRecord } from "../model/history";

export { MANIFEST_FILE, type AddressManifest, type StackRecord };

const sorted = (entries: Iterable<[string, string]>): { [k: string]: string } => Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The manifest of a desired state: what its stacks declare, import and forget. */
export function addressManifest(desired: DesiredState): AddressManifest {
  const manifest: { [stack: string]: StackRecord } = {};
  for (const stack of [...desired.stacks].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const imports: [string, string][] = [];
    if (stack.kind === "workspace") {
      const c = stack.catalog;
      if (c.importId !== undefined) imports.push([`databricks_catalog.${c.id}`, c.importId]);
      for (const s of c.schemas) if (s.importId !== undefined) imports.push([`databricks_schema.${s.id}`, s.importId]);
      for (const g of stack.grants) if (g.importId !== undefined) imports.push([`databricks_grant.${g.id}`, g.importId]);
    }
    manifest[stack.name] = {
      addresses: sorted(stackObjects(stack)),
      imports: sorted(imports),
      ...(stack.forgets.length > 0 ? { forgotten: sorted(stack.forgets.map((f) => [f.address, f.object])) } : {}),
    };
  }
  return manifest;
}

/** What differs between the committed manifest and the desired state, as problems with their fix. */
export function checkAddresses(committed: AddressManifest, desired: DesiredState): string[] {
  const current = addressManifest(desired);
  const problems: string[] = [];
  const update = "`npm run update` (it prints what it changes; explain it in the pull request)";
  const desiredByName = new Map<string, (typeof desired.stacks)[number]>();
  for (const s of desired.stacks) if (!desiredByName.has(s.name)) desiredByName.set(s.name, s);
  for (const [stack, before] of Object.entries(committed)) {
    const now = current[stack];
    const resources = Object.keys(before.addresses).filter((a) => !a.startsWith("data."));
    if (!now) {
      const stateful = resources.filter((a) => STATEFUL_TYPES.has(a.split(".")[0]));
      problems.push(
        resources.length === 0
          ? `${stack}: the stack is no longer synthesized; it declared no resources (its retirement forgot them), so nothing is left behind. When intended: ${update}.`
          : `${stack}: the stack is no longer synthesized, so Terraform plans nothing for it: its ${resources.length} resources (${stateful.length} catalogs, schemas and principals among them) stay in its state and in the workspace, unmanaged. ` +
              `To retire it through Terraform, list it under retired in the model (retired.<key>: { stack: ${stack}, workspace: { host, profile } }), deploy it once (it forgets the catalog, schemas and principal and revokes its grants), then remove it. ` +
              `If leaving it unmanaged is intended: ${update}.`,
      );
      continue;
    }
    const moved = new Set((desiredByName.get(stack)?.moves ?? []).map((m) => m.from));
    const forgotten = new Set(Object.keys(now.forgotten ?? {}));
    for (const address of Object.keys(before.addresses)) {
      if (now.addresses[address] !== undefined || moved.has(address) || forgotten.has(address)) continue;
      const data = address.startsWith("data.");
      problems.push(
        data
          ? `${stack}: ${address} is no longer declared (a data source; nothing is destroyed). When intended: ${update}.`
          : `${stack}: ${address} (${before.addresses[address] || "object not recorded"}) is no longer declared, so Terraform would DESTROY it${address.startsWith("databricks_grant.") ? " (revoking the grant)" : ""}. ` +
              `Fix: if its construct ID or name changed, keep it in state with a rename in the model (moved.${stack}: { ${address}: <new address> } in environments.yaml, which becomes a moved block); ` +
              `if the removal is intended, ${update}.`,
      );
    }
    for (const address of forgotten) {
      if (before.forgotten?.[address] === undefined) problems.push(`${stack}: ${address} (${now.forgotten![address]}) left the model and is forgotten (a removed block), not recorded in ${MANIFEST_FILE} yet. Fix: review it, then ${update}.`);
    }
    for (const address of Object.keys(before.forgotten ?? {})) {
      if (!forgotten.has(address) && now.addresses[address] === undefined) problems.push(`${stack}: ${address} is recorded as forgotten but the stack no longer forgets it. Fix: ${update}.`);
    }
    for (const address of Object.keys(now.addresses)) {
      if (before.addresses[address] === undefined) problems.push(`${stack}: ${address} is new and not in ${MANIFEST_FILE}. Fix: review it, then ${update}.`);
      else if (before.addresses[address] !== "" && before.addresses[address] !== now.addresses[address]) {
        problems.push(`${stack}: ${address} now stands for ${now.addresses[address]} (was ${before.addresses[address]}). Fix: review it, then ${update}.`);
      }
    }
    for (const [address, id] of Object.entries(before.imports)) {
      if (now.imports[address] !== undefined && now.imports[address] !== id) {
        problems.push(`${stack}: the import ID of ${address} changed from "${id}" to "${now.imports[address]}". Fix: check the provider's import format, then ${update}.`);
      }
    }
    for (const address of Object.keys(now.imports)) {
      if (before.imports[address] === undefined) problems.push(`${stack}: imports ${address} (new). Fix: review it, then ${update}.`);
    }
  }
  for (const stack of Object.keys(current)) {
    if (!committed[stack]) problems.push(`${stack}: a new stack, not in ${MANIFEST_FILE}. Fix: review it, then ${update}.`);
  }
  return problems;
}

/**
 * Human-readable changes from one manifest to another: `+`/`-` lines, sorted by stack. A `-` line
 * is a destroy unless it says the address is forgotten or renamed (`moves`: the desired state's).
 */
export function manifestChanges(before: AddressManifest, after: AddressManifest, desired?: DesiredState): string[] {
  const movedTo = new Map((desired?.stacks ?? []).flatMap((s) => s.moves.map((m) => [`${s.name} ${m.from}`, m.to] as const)));
  const lines: string[] = [];
  const empty: StackRecord = { addresses: {}, imports: {} };
  for (const stack of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[stack] ?? empty;
    const a = after[stack] ?? empty;
    for (const x of Object.keys(b.addresses)) {
      if (a.addresses[x] !== undefined) continue;
      const to = movedTo.get(`${stack} ${x}`);
      lines.push(`- ${stack} ${x}${a.forgotten?.[x] !== undefined ? " (forgotten: a removed block, not destroyed)" : to !== undefined ? ` (renamed to ${to}: moved in state, not destroyed)` : ""}`);
    }
    for (const x of Object.keys(a.addresses)) if (b.addresses[x] === undefined) lines.push(`+ ${stack} ${x}`);
    for (const [x, id] of Object.entries(b.imports)) if (a.imports[x] !== id) lines.push(`- ${stack} import ${x} <- "${id}"`);
    for (const [x, id] of Object.entries(a.imports)) if (b.imports[x] !== id) lines.push(`+ ${stack} import ${x} <- "${id}"`);
    for (const x of Object.keys(a.forgotten ?? {})) if (b.forgotten?.[x] === undefined && b.addresses[x] === undefined) lines.push(`+ ${stack} forget ${x}`);
  }
  return lines;
}
