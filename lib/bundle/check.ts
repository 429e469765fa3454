/** `bundle:check`: a bundle repository against the environment model, every rule over one index. */
import type { BundleFacts } from "./facts";
import { readBundleRepository } from "./repository";
import type { Finding } from "./rule";
import { RULES } from "./rules";
import { bundleView } from "./view";
import { bundleAllowList } from "./allow-list";
import { resourceIndex } from "./resources";
import { sourceIndex } from "./sources";
import { readWorkflows } from "./workflows";

export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly targets: number;
  readonly files: number;
  readonly workflows: number;
  /** Source files (notebooks, SQL files, libraries) the resources run, each read once. */
  readonly sources: number;
}

export function checkBundle(dir: string, facts: BundleFacts): CheckResult {
  const repo = readBundleRepository(dir);
  const view = bundleView(repo, facts);
  const workflows = readWorkflows(repo);
  const resources = resourceIndex(view);
  const sources = sourceIndex(view, resources);
  const ctx = { view, commands: workflows.commands, jobs: workflows.jobs, resources, sources, allow: bundleAllowList(facts) };
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const rule of RULES) {
    for (const f of rule.check(ctx)) {
      // Several deploys of one job share its env: one finding per place and problem.
      const key = `${f.rule}\0${f.file}\0${f.line}\0${f.problem}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.push(f);
      }
    }
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { findings, targets: view.targets.size, files: repo.bundleFiles.length, workflows: repo.workflows.length, sources: sources.files };
}
