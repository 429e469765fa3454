/**
 * Every resource the bundle declares, with the targets that deploy it, indexed once for the rules:
 * a resource under the top-level `resources` is deployed by every target (shared); one under
 * `targets.<name>.resources` only by that target (databricks/cli v1.13.0 bundle/config/root.go
 * MergeTargetOverrides merges it into the root for that target alone).
 */
import type { TargetFacts } from "./facts";
import type { BundleView } from "./view";
import { at, entriesOf, textOf, type Node, type ScalarNode } from "./yaml-tree";

/** The resource types of databricks/cli v1.13.0 (bundle/config/resources.go), by their YAML key. */
export const CLI_RESOURCE_TYPES = [
  "jobs", "job_runs", "pipelines", "models", "experiments", "model_serving_endpoints", "registered_models", "quality_monitors", "catalogs", "schemas",
  "volumes", "external_locations", "clusters", "dashboards", "genie_spaces", "apps", "secret_scopes", "alerts", "sql_warehouses", "database_instances",
  "database_catalogs", "synced_database_tables", "postgres_projects", "postgres_branches", "postgres_endpoints", "postgres_catalogs", "postgres_databases",
  "postgres_roles", "postgres_synced_tables", "vector_search_endpoints", "vector_search_indexes", "instance_pools", "secrets",
];

export interface ResourceDecl {
  /** The resource type's key (`jobs`, `pipelines`, ...). */
  readonly type: string;
  readonly name: string;
  readonly node: Node;
  /** The node of the type's mapping (for a finding on the type itself). */
  readonly typeNode: Node;
  /** The known targets that deploy it. */
  readonly targets: readonly TargetFacts[];
  /** The target it is declared under; undefined for a top-level resource. */
  readonly target?: string;
  /** Top-level: every target of the bundle deploys it. */
  readonly shared: boolean;
  /** `resources.jobs.x` or `targets.prod.resources.jobs.x`, for messages. */
  readonly address: string;
}

/** An identity the bundle names: who runs, who holds a permission, who is granted, who owns. */
export interface IdentityUse {
  readonly resource?: ResourceDecl;
  /** `run_as`, `permissions`, `grants`, `owner`, `run_as_user_name`. */
  readonly kind: "run_as" | "permissions" | "grants" | "owner" | "run_as_user_name";
  /** The node (a run_as mapping, a permissions or grants entry, an owner scalar). */
  readonly node: Node;
  /** Where, for messages: `resources.jobs.x.permissions[0]`, `permissions[1]`, `targets.prod.permissions[0]`. */
  readonly address: string;
  readonly targets: readonly TargetFacts[];
}

export interface ResourceIndex {
  readonly resources: readonly ResourceDecl[];
  /** Every run_as, permission, grant and owner under resources, and the bundle's and targets' permissions. */
  readonly identities: readonly IdentityUse[];
  /** Every target of the bundle the model knows. */
  readonly knownTargets: readonly TargetFacts[];
}

const IDENTITY_KEYS = new Set(["run_as", "permissions", "grants", "owner", "run_as_user_name"]);

export function resourceIndex(view: BundleView): ResourceIndex {
  const knownTargets = [...view.targets.keys()].map((n) => view.facts.target(n)).filter((t): t is TargetFacts => t !== undefined);
  const resources: ResourceDecl[] = [];
  const add = (root: Node | undefined, targets: readonly TargetFacts[], target: string | undefined) => {
    for (const [type, byName] of entriesOf(root)) {
      for (const [name, node] of entriesOf(byName)) {
        const address = `${target ? `targets.${target}.` : ""}resources.${type}.${name}`;
        resources.push({ type, name, node, typeNode: byName, targets, ...(target ? { target } : {}), shared: target === undefined && knownTargets.length > 1, address });
      }
    }
  };
  for (const file of view.repo.bundleFiles) add(at(file.root, "resources"), knownTargets, undefined);
  for (const [name, decls] of view.targets) {
    const t = view.facts.target(name);
    for (const d of decls) add(at(d, "resources"), t ? [t] : [], name);
  }

  const identities: IdentityUse[] = [];
  for (const r of resources) {
    walkIdentities(r.node, r.address, (kind, node, address) => identities.push({ resource: r, kind, node, address, targets: r.targets }));
  }
  // The bundle's own permissions apply to every resource of every target; a target's to its own.
  const listed = (node: Node | undefined, prefix: string, targets: readonly TargetFacts[]) => {
    if (!node) return;
    if (node.kind !== "seq") identities.push({ kind: "permissions", node, address: prefix, targets });
    else node.items.forEach((item, i) => identities.push({ kind: "permissions", node: item, address: `${prefix}[${i}]`, targets }));
  };
  for (const file of view.repo.bundleFiles) listed(at(file.root, "permissions"), "permissions", knownTargets);
  for (const [name, decls] of view.targets) {
    const t = view.facts.target(name);
    for (const d of decls) listed(at(d, "permissions"), `targets.${name}.permissions`, t ? [t] : []);
  }
  return { resources, identities, knownTargets };
}

function walkIdentities(node: Node, address: string, visit: (kind: IdentityUse["kind"], node: Node, address: string) => void): void {
  if (node.kind === "seq") {
    node.items.forEach((item, i) => walkIdentities(item, `${address}[${i}]`, visit));
    return;
  }
  if (node.kind !== "map") return;
  for (const [key, value] of node.entries) {
    const here = `${address}.${key}`;
    if (IDENTITY_KEYS.has(key)) {
      const kind = key as IdentityUse["kind"];
      if ((kind === "permissions" || kind === "grants") && value.kind === "seq") value.items.forEach((item, i) => visit(kind, item, `${here}[${i}]`));
      else visit(kind, value, here);
      continue;
    }
    walkIdentities(value, here, visit);
  }
}

/** A source a resource runs: a notebook, a file, a directory of them, or a glob. */
export interface SourceUse {
  readonly resource: ResourceDecl;
  readonly node: ScalarNode;
  readonly mode: "notebook" | "file" | "directory" | "glob";
  readonly address: string;
}

/**
 * The paths a resource's code comes from, as databricks/cli v1.13.0 translates them
 * (bundle/config/mutator/paths/job_paths_visitor.go, pipeline_paths_visitor.go, and the
 * dashboards', apps' and alerts' file paths): relative to the file that writes them.
 */
const SOURCE_KEYS: { readonly [key: string]: SourceUse["mode"] } = {
  notebook_path: "notebook",
  python_file: "file",
  project_directory: "directory",
  workspace_path: "file",
  command_path: "file",
  file_path: "file",
  source_code_path: "directory",
};

/** Keys whose code is built or packaged elsewhere: a wheel, a jar, a Spark submit. */
const PACKAGED = new Set(["whl", "jar", "egg", "maven", "python_wheel_task", "spark_jar_task", "spark_submit_task"]);

export function sourcesOf(r: ResourceDecl): { sources: SourceUse[]; remote: { node: Node; address: string; what: string }[] } {
  const sources: SourceUse[] = [];
  const remote: { node: Node; address: string; what: string }[] = [];
  const visit = (node: Node, address: string, parentKey: string | undefined, key: string | undefined) => {
    if (node.kind === "scalar") {
      if (node.value === null || typeof node.value !== "string") return;
      let mode: SourceUse["mode"] | undefined = key ? SOURCE_KEYS[key] : undefined;
      if (key === "path" && (parentKey === "notebook" || parentKey === "file")) mode = parentKey === "notebook" ? "notebook" : "file";
      if (key === "include" && parentKey === "glob") mode = "glob";
      if (key === "root_path" && r.type === "pipelines") mode = "directory";
      if (mode) sources.push({ resource: r, node, mode, address });
      if (key === "source" && textOf(node)?.toUpperCase() === "GIT") remote.push({ node, address, what: "code from a Git repository (source: GIT)" });
      return;
    }
    if (node.kind === "seq") {
      node.items.forEach((item, i) => visit(item, `${address}[${i}]`, parentKey, key));
      return;
    }
    for (const [k, v] of node.entries) {
      const here = `${address}.${k}`;
      if (k === "git_source") {
        remote.push({ node: v, address: here, what: "code from a Git repository (git_source)" });
        continue;
      }
      if (PACKAGED.has(k)) {
        remote.push({ node: v, address: here, what: `packaged code (${k}), which the check cannot read` });
        continue;
      }
      // A job or pipeline by ID, not one of the bundle's (`${resources.jobs.x.id}`), runs elsewhere.
      if ((k === "job_id" && key === "run_job_task") || (k === "pipeline_id" && key === "pipeline_task")) {
        const id = textOf(v);
        if (id === undefined || !/^\$\{resources\.[a-z_]+\.[A-Za-z0-9_-]+\.id\}$/.test(id)) remote.push({ node: v, address: here, what: `${k === "job_id" ? "a job" : "a pipeline"} outside the bundle (${id ?? v.kind})` });
        continue;
      }
      visit(v, here, key, k);
    }
  };
  visit(r.node, r.address, undefined, undefined);
  return { sources, remote };
}
