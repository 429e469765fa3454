import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { SANDBOX_TARGET, hostnameOf } from "../facts";
import { textOf } from "../yaml-tree";

/** Two targets on one workspace share its resources and state; only the sandbox lives on dev's. */
export const sharedWorkspace: Rule = {
  id: "shared-workspace",
  description: "Two targets deploy to one workspace (only `sandbox` may share the first environment's).",
  fix: "give each target its own environment's workspace host",
  check: ({ view }) => {
    const out: Finding[] = [];
    const sandbox = view.facts.target(SANDBOX_TARGET)!;
    // sandbox beside its own environment's target (dev), on that workspace: the one allowed pair.
    const allowed = (a: string, b: string, host: string) =>
      [a, b].includes(SANDBOX_TARGET) && [a, b].includes(sandbox.environment.key) && host === sandbox.hostname;
    const firstOn = new Map<string, string>();
    for (const [name] of view.targets) {
      // The host the CLI ends up with: the last declaration wins.
      const hosts = view.effective(name, "workspace", "host");
      const last = hosts[hosts.length - 1];
      if (!last) continue;
      // Used as written: the CLI resolves no variable in auth fields (see target-auth).
      const text = textOf(last);
      const host = text === undefined || /\$\{/.test(text) ? undefined : hostnameOf(text);
      if (host === undefined) continue;
      const first = firstOn.get(host);
      if (first === undefined) firstOn.set(host, name);
      else if (first !== name && !allowed(first, name, host)) {
        out.push(finding(sharedWorkspace, last, `targets ${first} and ${name} deploy to the same workspace`, sharedWorkspace.fix, host));
      }
    }
    return out;
  },
};
