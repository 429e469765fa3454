import type { Rule } from "../rule";
import { finding } from "../rule";

/**
 * The CLI keeps its working files for a target in `.databricks/bundle/<target>/` and uses what it
 * finds there (databricks/cli v1.13.0 bundle/bundle.go GetLocalStateDir): a terraform at
 * `bin/terraform` is run with the deploy's credentials instead of the one it would download
 * (bundle/deploy/terraform/init.go findExecPath), and state, plans and synced file lists there
 * shape the deploy. The CLI writes a `.gitignore` there so none of it is committed; a committed
 * `variable-overrides.json` is bundle input, which variable-override judges. Anything else is a
 * finding.
 */
export const localState: Rule = {
  id: "local-state",
  description:
    "The repository commits the CLI's local state directory (`.databricks/`) beyond `bundle/<target>/variable-overrides.json`: a terraform binary, state or plan there is what the deploy runs or trusts.",
  fix: "remove it from the repository (git rm -r --cached .databricks); the CLI makes it at deploy and ignores it in git itself",
  check: ({ view }) =>
    view.repo.localState.map((e) =>
      finding(
        localState,
        { file: e.path, line: 1 },
        e.link !== undefined
          ? `${e.path} is a link (to ${e.link}) in the CLI's local state directory: the deploy would read its files from there`
          : /\/bin\/terraform$/.test(e.path)
            ? `${e.path} is the terraform the CLI runs for that target, with the deploy's credentials, instead of the one it downloads`
            : `${e.path} is in the CLI's local state directory, which the deploy reads as its own working data`,
        localState.fix,
      ),
    ),
};
