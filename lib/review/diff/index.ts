/**
 * What a change does to access: the effective grants, principals, catalogs, workspace bindings and
 * protection flags of two synthesized outputs (BASE and HEAD), compared. Production first; a
 * change that widens access (or weakens protection) is marked apart from one that narrows it.
 *
 * One analyser per kind of change (grants.ts, owners.ts, trust.ts and model-facts.ts, bindings.ts,
 * protection.ts, securables.ts: catalogs and principals, terraform.ts: what Terraform does), the
 * configuration diff for everything else (config.ts), the rendering (render.ts); what a change is
 * and how changes are ordered (change.ts); direction, marks and production (lib/review/severity.ts).
 */
import { normalizeStacks, type SynthesizedStack } from "../../output/stack";
import { inProdCatalog, type ProdScope } from "../severity";
import { bindingChanges } from "./bindings";
import { compareChanges, type AccessChange, type Change } from "./change";
import { configChanges } from "./config";
import { authoritativeChanges, grantChanges } from "./grants";
import { ownerChanges } from "./owners";
import { protectionChanges } from "./protection";
import { catalogChanges, principalChanges } from "./securables";
import { resourceWorkspaces, withTerraformActions } from "./terraform";
import { trustChanges } from "./trust";

export { CONFIG_HEADINGS, compareChanges, type AccessChange, type ChangeKind, type ConfigHeading } from "./change";
export { NO_CHANGES, renderDiffMarkdown } from "./render";
export { prodScope, type ProdScope } from "../severity";

export function diffOutputs(baseInput: readonly SynthesizedStack[], headInput: readonly SynthesizedStack[], scope: ProdScope): AccessChange[] {
  const base = normalizeStacks(baseInput);
  const head = normalizeStacks(headInput);
  const access = [...grantChanges(base, head), ...authoritativeChanges(base, head), ...principalChanges(base, head), ...catalogChanges(base, head), ...bindingChanges(base, head), ...protectionChanges(base, head), ...ownerChanges(base, head), ...trustChanges(base, head)];
  // A stack HEAD no longer has is not planned at all: nothing it declared is deleted or revoked, so
  // only its "stack removed" row says what happens (config.ts).
  const headNames = new Set(head.map((h) => h.name));
  const gone = new Set(base.filter((b) => !headNames.has(b.name)).map((b) => b.name));
  const planned = [...access, ...configChanges(base, head, access)].filter((c) => !gone.has(c.stack) || c.resource === "(stack)" || c.kind === "re-grant");
  const changes = withTerraformActions(base, head, planned);
  const workspaceOf = resourceWorkspaces(base, head);
  const isProd = (c: Change) =>
    scope.stacks.has(c.stack) ||
    (c.kind === "trust" && (scope.principals === undefined || scope.principals.has(c.principal ?? ""))) ||
    (scope.workspaces !== undefined && scope.workspaces.has(workspaceOf.get(`${c.stack}\u0000${c.resource}`) ?? "")) ||
    inProdCatalog(scope.catalogs, c.securableType, c.securable);
  // A fixed key order for the JSON: what kind of change first, then where, then what.
  return changes.map(({ kind, direction, ...rest }) => ({ prod: isProd({ kind, direction, ...rest }), direction, kind, ...rest })).sort(compareChanges);
}

