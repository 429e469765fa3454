import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { CURRENT_USER_NAME } from "../allow-list";
import type { TargetFacts } from "../facts";
import { textOf } from "../yaml-tree";

/** The workspace paths of databricks/cli v1.13.0 (bundle/config/workspace.go) a target can set. */
export const PATH_FIELDS = ["root_path", "file_path", "artifact_path", "state_path", "resource_path"] as const;

/**
 * Where a target's deployment lives in its workspace: the files its jobs run (file_path), the
 * deployment state (state_path), the built artifacts. A copy outside the deploying identity's home
 * can be edited by whoever may write there (everyone, in /Workspace/Shared), and prod's principal
 * runs what they wrote. Default deny: each path the bundle sets lies in the target's own home: an
 * environment target's principal's (`/Workspace/Users/<application ID>/`, or `~/`, the home of the
 * identity that deploys, as when nothing is set), the developer's in `sandbox` (`~/`,
 * `/Workspace/Users/${workspace.current_user.userName}/`); the other paths also under
 * `${workspace.root_path}`, artifacts also in a volume of the target's own catalog. The CLI
 * expands `~/` (bundle/config/mutator/expand_workspace_root.go) and adds `/Workspace` to `/Users/...`
 * (prepend_workspace_prefix.go); in production mode it asks only that root_path be set.
 */
export const targetPaths: Rule = {
  id: "target-paths",
  description:
    "A target's workspace path (root_path, file_path, artifact_path, state_path, resource_path) lies outside its own home: its principal's (the developer's in `sandbox`), or, for the other paths, under root_path, and for artifacts a volume of its own catalog.",
  fix: "set root_path to /Workspace/Users/<the environment principal's application ID>/.bundle/${bundle.name}/${bundle.target} (the generated targets do) and leave the other paths unset",
  check: ({ view }) => {
    const out: Finding[] = [];
    const ids = view.facts.applicationIds;
    for (const { name, target: t } of view.knownTargets) {
      // Without the stacks' outputs the principal's application ID is not known (target-run-as says
      // so): the home must then be that of the principal the target runs as.
      const runAs = view
        .effective(name, "run_as", "service_principal_name")
        .flatMap((n) => view.resolve(name, n).map((c) => c.text?.trim()))
        .filter((id): id is string => id !== undefined && /^[0-9a-f-]{36}$/i.test(id));
      const own = ownHomes(t, ids?.get(t.environment.key) ?? (runAs.length === 1 ? runAs[0] : undefined));
      for (const field of PATH_FIELDS) {
        for (const node of view.effective(name, "workspace", field)) {
          for (const c of view.resolve(name, node)) {
            const problem = c.text === undefined ? "does not resolve to a path here (a variable without a value, or a lookup)" : judgePath(c.text, field, t, own, view.facts.byApplicationId);
            if (problem === undefined) continue;
            const fix = t.sandbox
              ? `leave targets.${name}.workspace.${field} unset, or put it under ~/ (the developer's home)`
              : field === "root_path"
                ? `set targets.${name}.workspace.root_path to ${own.home ?? "/Workspace/Users/<the application ID of " + t.environment.servicePrincipal + ">"}/.bundle/\${bundle.name}/\${bundle.target} (pass --outputs to check it)`
                : `leave targets.${name}.workspace.${field} unset (it is then under root_path)`;
            out.push(finding(targetPaths, c.node, `target ${name}'s workspace.${field} ${problem}`, fix, textOf(c.node) ?? c.text));
          }
        }
      }
    }
    return out;
  },
};

interface Homes {
  /** The principal's home, when its application ID is known. */
  readonly home?: string;
  /** Prefixes the paths may start with. */
  readonly prefixes: readonly string[];
}

function ownHomes(t: TargetFacts, id: string | undefined): Homes {
  // `~/` and the current user's folder are the deploying identity's home: in CI the environment's
  // principal (its OIDC identity), in the sandbox the developer.
  const deployer = ["~/", `/Workspace/Users/${CURRENT_USER_NAME}/`];
  if (t.sandbox) return { prefixes: deployer };
  const home = id === undefined ? undefined : `/Workspace/Users/${id.toLowerCase()}`;
  return { home, prefixes: [...deployer, ...(home ? [`${home}/`] : [])] };
}

function judgePath(text: string, field: (typeof PATH_FIELDS)[number], t: TargetFacts, own: Homes, byApplicationId: ReadonlyMap<string, { key: string }>): string | undefined {
  const path = text.trim().replace(/^\/Users\//, "/Workspace/Users/");
  const segments = path.split("/");
  if (segments.some((s) => s === ".." || s === ".")) return `has a ${segments.includes("..") ? "`..`" : "`.`"} segment: it can lead out of the home it starts in`;
  // A reference the check did not resolve could be any folder; only the current user's name is known to stay in its home.
  const rest = path.replace(/\$\{workspace\.current_user\.(userName|short_name)\}/g, "");
  if (/\$\{/.test(rest.replace(/^\$\{workspace\.root_path\}(?=\/|$)/, ""))) return "holds a reference the check cannot resolve, so it could be any folder";
  const withUserId = path.replace(/^(\/Workspace\/Users\/)([0-9a-fA-F-]{36})(?=\/|$)/, (_, p: string, id: string) => `${p}${id.toLowerCase()}`);
  const under = (prefix: string) => withUserId === prefix.replace(/\/$/, "") || withUserId.startsWith(prefix);
  if (own.prefixes.some(under)) return undefined;
  if (field !== "root_path" && under("${workspace.root_path}/")) return undefined;
  if (field === "artifact_path" && under(`/Volumes/${t.variables.catalog_name}/`)) return undefined;
  const user = /^\/Workspace\/Users\/([^/]+)/.exec(withUserId)?.[1];
  const other = user === undefined ? undefined : byApplicationId.get(user.toLowerCase());
  if (other && other.key !== t.environment.key) return `is in environments.${other.key}'s principal's home, not its own`;
  if (!t.sandbox && own.home === undefined && user !== undefined && /^[0-9a-f-]{36}$/i.test(user)) return "is in a principal's home, and the check knows neither the environment principal's application ID (pass --outputs) nor a run_as to compare it with";
  return `is outside the ${t.sandbox ? "developer's" : "environment principal's"} home${user === undefined ? "" : ` (it is ${user}'s)`}: whoever can write there changes what the target deploys and runs`;
}
