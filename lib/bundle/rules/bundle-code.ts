import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { at, entriesOf, textOf, type Node } from "../yaml-tree";

/**
 * Code the CLI runs while it deploys, with the deploy's credentials, and resources it makes from
 * code at deploy time: none of it is configuration the check reads (databricks/cli v1.13.0
 * bundle/config/root.go `scripts`, `python`; bundle/config/experimental.go `scripts` hooks,
 * `python`, `pydabs`; bundle/config/artifact.go `build`).
 */
export const bundleCode: Rule = {
  id: "bundle-code",
  description:
    "The bundle runs code at deploy time that the check cannot read: `experimental.scripts` hooks, an artifact's `build` command, `scripts`, or resources and mutators in Python (`python`, `experimental.python`, `experimental.pydabs`).",
  fix: "declare resources in YAML; build artifacts in a job without Databricks credentials and reference the built files",
  check: ({ view }) => {
    const out: Finding[] = [];
    const report = (node: Node | undefined, where: string, what: string) => {
      if (node && !(node.kind === "scalar" && node.value === null)) out.push(finding(bundleCode, node, `${where} ${what}, which runs while the bundle deploys, with the deploy's credentials`, bundleCode.fix, textOf(node) ?? where));
    };
    const scan = (root: Node | undefined, prefix: string) => {
      for (const [hook, node] of entriesOf(at(root, "experimental", "scripts"))) report(node, `${prefix}experimental.scripts.${hook}`, "is a shell command");
      report(at(root, "experimental", "python"), `${prefix}experimental.python`, "loads resources or mutators from Python code");
      report(at(root, "experimental", "pydabs"), `${prefix}experimental.pydabs`, "loads resources from Python code");
      report(at(root, "python"), `${prefix}python`, "loads resources or mutators from Python code");
      for (const [name, node] of entriesOf(at(root, "scripts"))) report(node, `${prefix}scripts.${name}`, "is a shell script (`bundle run` runs it)");
      for (const [name, artifact] of entriesOf(at(root, "artifacts"))) report(at(artifact, "build"), `${prefix}artifacts.${name}.build`, "is a build command");
    };
    for (const f of view.repo.bundleFiles) scan(f.root, "");
    for (const [name, decls] of view.targets) for (const d of decls) scan(d, `targets.${name}.`);
    return out;
  },
};
