import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { hostnameOf } from "../facts";
import { textOf } from "../yaml-tree";

/**
 * Each target deploys to its environment's workspace, pinned by host (CI has no CLI profile). The
 * incident: prod's target on the dev workspace. Hosts compare by host name (case, trailing slash,
 * path and port do not make another workspace); a profile named like another environment's is
 * another workspace.
 */
export const targetWorkspace: Rule = {
  id: "target-workspace",
  description: "A target's workspace (its host, or a profile that is another environment's) is not its environment's, or is not pinned by a host.",
  fix: "set the target's workspace.host to its environment's host (the generated targets do)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const { facts } = view;
    for (const { name, decls, target: t } of view.knownTargets) {
      const host = t.environment.workspace.host;
      const fix = `set targets.${name}.workspace.host to ${host} (environments.${t.environment.key}.workspace.host)`;
      for (const ws of view.effective(name, "workspace")) {
        if (ws.kind !== "map") out.push(finding(targetWorkspace, ws, `target ${name}'s workspace is not a mapping the check can read`, fix, textOf(ws) ?? ws.kind));
      }
      const hosts = view.effective(name, "workspace", "host");
      for (const node of hosts) {
        // Auth fields are used as written: the CLI resolves no variable there (see target-auth).
        const text = textOf(node);
        const got = text === undefined || /\$\{/.test(text) ? undefined : hostnameOf(text);
        if (got === t.hostname) continue;
        const other = got === undefined ? undefined : facts.byHostname.get(got);
        const problem =
          text !== undefined && /\$\{/.test(text)
            ? `target ${name}'s workspace.host is a variable, which the CLI does not resolve there: it is no workspace URL`
            : got === undefined
              ? `target ${name}'s workspace.host is not a workspace URL`
              : other
                ? `target ${name} deploys to environments.${other.key}'s workspace, not ${t.sandbox ? `environments.${t.environment.key}'s (the sandbox's)` : "its own"}`
                : `target ${name}'s workspace.host is no workspace of the model`;
        out.push(finding(targetWorkspace, node, problem, fix, text));
      }
      for (const node of view.effective(name, "workspace", "profile")) {
        const profile = textOf(node);
        const env = profile === undefined ? undefined : facts.byProfile.get(profile.trim().toLowerCase());
        if (env && env.key !== t.environment.key) {
          out.push(finding(targetWorkspace, node, `target ${name}'s profile is environments.${env.key}'s profile: it deploys wherever that profile points`, fix, profile));
        } else if (!env && hosts.length === 0) {
          out.push(finding(targetWorkspace, node, `target ${name} names a profile the model does not know and no host`, fix, profile));
        }
      }
      if (hosts.length === 0) {
        const ownProfile = view.effective(name, "workspace", "profile").some((n) => facts.byProfile.get((textOf(n) ?? "").trim().toLowerCase())?.key === t.environment.key);
        // A developer's sandbox may use their own profile for the dev workspace; CI targets may not.
        if (!(t.sandbox && ownProfile)) {
          out.push(
            finding(
              targetWorkspace,
              decls[0],
              `target ${name} has no workspace.host: it deploys to whatever the deploying machine's profile or DATABRICKS_HOST says${ownProfile ? " (CI has no CLI profile)" : ""}`,
              fix,
            ),
          );
        }
      }
    }
    return out;
  },
};
