/**
 * Terraform addresses are an external contract: an address that disappears is a resource Terraform
 * destroys. The committed manifest (terraform-addresses.json) lists every address per stack; a
 * test compares the synthesized output with it, and `npm run addresses:update` records a change
 * on purpose.
 */
import type { SynthesizedStack } from "./output";

export const MANIFEST_FILE = "terraform-addresses.json";

export interface StackAddresses {
  /** Resource and data source addresses, sorted. */
  readonly addresses: readonly string[];
  /** Import blocks: address -> import ID. */
  readonly imports: { readonly [address: string]: string };
}

export type AddressManifest = { readonly [stack: string]: StackAddresses };

export function addressManifest(stacks: readonly SynthesizedStack[]): AddressManifest {
  const manifest: { [stack: string]: StackAddresses } = {};
  for (const { name, json } of [...stacks].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const addresses: string[] = [];
    for (const [type, blocks] of Object.entries(json.resource ?? {})) for (const id of Object.keys(blocks)) addresses.push(`${type}.${id}`);
    for (const [type, blocks] of Object.entries(json.data ?? {})) for (const id of Object.keys(blocks)) addresses.push(`data.${type}.${id}`);
    const imports: { [address: string]: string } = {};
    for (const i of [...(json.import ?? [])].sort((a, b) => (a.to < b.to ? -1 : 1))) imports[i.to] = i.id;
    manifest[name] = { addresses: addresses.sort(), imports };
  }
  return manifest;
}

/** What differs between the committed manifest and the output, as problems with their fix. */
export function checkAddresses(committed: AddressManifest, stacks: readonly SynthesizedStack[]): string[] {
  const current = addressManifest(stacks);
  const problems: string[] = [];
  const update = "`npm run addresses:update` (it prints what it changes; explain it in the pull request)";
  for (const [stack, before] of Object.entries(committed)) {
    const now = current[stack];
    if (!now) {
      problems.push(
        `${stack}: the stack is no longer synthesized. Its ${before.addresses.length} resources stay in its state with no code; ` +
          `destroy them on purpose first (cdktf destroy ${stack}), or restore the stack. When intended: ${update}.`,
      );
      continue;
    }
    const moved = new Set((stacks.find((s) => s.name === stack)?.json.moved ?? []).map((m) => m.from));
    for (const address of before.addresses) {
      if (now.addresses.includes(address) || moved.has(address)) continue;
      const data = address.startsWith("data.");
      problems.push(
        data
          ? `${stack}: ${address} is no longer declared (a data source; nothing is destroyed). When intended: ${update}.`
          : `${stack}: ${address} is no longer declared, so Terraform would DESTROY it (and create anew whatever replaced it). ` +
              `Fix: if its construct ID or name changed, keep it in state with a rename in the model (moved.${stack}: { ${address}: <new address> } in environments.yaml, which becomes a moved block); ` +
              `if the removal is intended, ${update}.`,
      );
    }
    for (const address of now.addresses) {
      if (!before.addresses.includes(address)) {
        problems.push(`${stack}: ${address} is new and not in ${MANIFEST_FILE}. Fix: review it, then ${update}.`);
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

/** Human-readable changes from one manifest to another: `+`/`-` lines, sorted by stack. */
export function manifestChanges(before: AddressManifest, after: AddressManifest): string[] {
  const lines: string[] = [];
  for (const stack of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[stack] ?? { addresses: [], imports: {} };
    const a = after[stack] ?? { addresses: [], imports: {} };
    for (const x of b.addresses) if (!a.addresses.includes(x)) lines.push(`- ${stack} ${x}`);
    for (const x of a.addresses) if (!b.addresses.includes(x)) lines.push(`+ ${stack} ${x}`);
    for (const [x, id] of Object.entries(b.imports)) if (a.imports[x] !== id) lines.push(`- ${stack} import ${x} <- "${id}"`);
    for (const [x, id] of Object.entries(a.imports)) if (b.imports[x] !== id) lines.push(`+ ${stack} import ${x} <- "${id}"`);
  }
  return lines;
}
