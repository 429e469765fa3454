/**
 * The configuration diff: every difference between BASE's and HEAD's configuration that the
 * access rows do not already show (provider, backend, imports and moves, removed blocks, schemas,
 * lookups, unknown resources, any attribute), under its heading, so that a reviewer never reads
 * "no access changes" over a change.
 */
import * as path from "path";
import { grantRows } from "../../output/grants";
import { blocksOfType, stackBlocks } from "../../output/blocks";
import type { SynthesizedStack } from "../../output/stack";
import { localStatePathMatcher } from "../../resources/backend";
import { FEDERATION_POLICY } from "../../resources/federation-policy";
import { GRANT, SECURABLE_ATTRIBUTES } from "../../resources/grant";
import { resourceType } from "../../resources/index";
import { onlyProtects } from "../../resources/protection";
import { SERVICE_PRINCIPAL } from "../../resources/service-principal";
import { SERVICE_PRINCIPAL_LOOKUP } from "../../resources/service-principal-lookup";
import { cell } from "../report";
import type { Direction } from "../severity";
import { goneSummary, typeHeading, type Change, type ConfigHeading } from "./change";

/**
 * What a new stack needs applied first: its lookups of service principals by display name find
 * them only once the stacks that create them are applied (the account stack after the workspace
 * stacks), an order no plan of it alone shows.
 */
function dependsOn(stack: SynthesizedStack, all: readonly SynthesizedStack[]): string {
  const looked = new Set(blocksOfType(stack, SERVICE_PRINCIPAL_LOOKUP.type, "data").map((b) => b.body.display_name).filter((n): n is string => typeof n === "string"));
  // A stack that looks up none needs none applied first (every added stack asked of every stack was quadratic).
  if (looked.size === 0) return "";
  const creators = all.filter((s) => s.name !== stack.name && blocksOfType(s, SERVICE_PRINCIPAL.type).some((b) => looked.has(b.body.display_name as string))).map((s) => s.name);
  return creators.length === 0 ? "" : `: apply ${creators.join(", ")} first (it looks up the service principals they create by display name, which fails until they exist: docs/ci-setup.md#bootstrapping-oidc; npm run rehearse keeps that order)`;
}

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
  for (const b of stackBlocks(stack)) {
    if (b.comment) continue;
    const heading: ConfigHeading =
      b.kind === "resource" || b.kind === "data"
        ? typeHeading(b.type, b.kind === "data")
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

/** The core attributes (below) of types the model never produces, which an access row may still be about. */
const FOREIGN_CORE: { readonly [key: string]: readonly string[] } = { databricks_grants: ["grant", ...SECURABLE_ATTRIBUTES], "data:databricks_user": ["user_name"] };

/**
 * The attributes that make a block what an access change says it is (a grant's principal, securable
 * and privileges; a catalog's name, comment and owner; ...: its resource module's): an access change
 * that adds or removes the block shows them.
 */
function coreAttributes(address: string): readonly string[] {
  const data = address.startsWith("data.");
  const type = address.replace(/^data\./, "").split(".")[0];
  return resourceType(data ? "data" : "resource", type)?.coreAttributes ?? FOREIGN_CORE[`${data ? "data:" : ""}${type}`] ?? [];
}

/** Blocks whose adding or removing is the access rows' (a grant's pair, a federation policy's trust). */
const SHOWN_BY_ACCESS_ROWS: ReadonlySet<string> = new Set([GRANT.type, "databricks_grants", FEDERATION_POLICY.type]);

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
export function configChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[], access: readonly Change[]): Change[] {
  // What the access changes already show. A block they add or remove is shown up to the attributes
  // that make it what it is (coreAttributes): anything else in it is listed here too. In a block on
  // both sides, only the attributes the access change is about are shown; every other difference in
  // it is listed here.
  const shownBlocks = new Set<string>();
  const shownAttributes = new Set<string>();
  for (const c of access) {
    if (c.kind === "grant" || c.kind === "re-grant") shownAttributes.add(`${c.stack}\u0000${c.resource}\u0000privileges`);
    if (c.kind === "grant" || c.kind === "re-grant" || c.kind === "authoritative" || c.kind === "catalog" || c.kind === "binding" || c.kind === "principal") shownBlocks.add(`${c.stack}\u0000${c.resource}`);
    if (c.kind === "owner" || c.kind === "protection" || c.kind === "binding") shownAttributes.add(`${c.stack}\u0000${c.resource}\u0000${c.attribute === "prevent_destroy" ? "lifecycle" : c.attribute}`);
  }
  // A federation policy's trust is the trust rows' (added, removed or changed, whichever principal
  // it is for): with any trust row, every policy's trust attributes, added once (not once per row).
  if (access.some((c) => c.kind === "trust")) {
    for (const s of [...base, ...head]) for (const b of blocksOfType(s, FEDERATION_POLICY.type)) for (const a of FEDERATION_POLICY.trustAttributes) shownAttributes.add(`${s.name}\u0000${b.address}\u0000${a}`);
  }
  // A principal's lookup comes and goes with the grants that name it: those grants are the change.
  const named = (stacks: readonly SynthesizedStack[]) => new Set(grantRows(stacks).map((r) => `${r.stack}\u0000${r.principalRef}`));
  const [namedBefore, namedAfter] = [named(base), named(head)];
  const out: Change[] = [];
  const baseByName = new Map(base.map((s) => [s.name, s]));
  const headByName = new Map(head.map((s) => [s.name, s]));
  for (const name of [...new Set([...baseByName.keys(), ...headByName.keys()])].sort()) {
    const b = baseByName.get(name);
    const a = headByName.get(name);
    if (!b || !a) {
      const declaresResources = Object.keys(b?.json.resource ?? {}).length > 0;
      // A new stack that declares no resources, or forgets some (a retiring stack), acts on whatever
      // its state holds: Terraform destroys what it does not declare and forgets what it names.
      const forgetsOrDestroys = a !== undefined && (Object.keys(a.json.resource ?? {}).length === 0 || a.json.removed !== undefined);
      out.push({
        kind: "config",
        heading: "stack",
        direction: a ? (forgetsOrDestroys ? "risk" : "neutral") : declaresResources ? "risk" : "neutral",
        stack: name,
        resource: "(stack)",
        summary: a
          ? forgetsOrDestroys
            ? `stack added that ${Object.keys(a.json.resource ?? {}).length === 0 ? "declares no resources" : "has removed blocks"}: its apply DESTROYS whatever its state holds that it does not declare, and forgets what its removed blocks name${dependsOn(a, head)}`
            : `stack added${dependsOn(a, head)}`
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
      if ((!was || !now) && (shownBlocks.has(`${name}\u0000${address}`) || lookupOfGrant || (!address.startsWith("data.") && SHOWN_BY_ACCESS_ROWS.has(address.split(".")[0])))) {
        const block = (now ?? was)!;
        const core = coreAttributes(address);
        const extra = [...block.attributes.keys()].filter((k) => !core.includes(k) && !(k === "lifecycle" && onlyProtects(block.attributes.get(k), canonical)));
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

