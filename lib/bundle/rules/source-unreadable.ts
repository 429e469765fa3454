import type { Rule } from "../rule";
import { finding } from "../rule";
import { targetList } from "../identities";
import { textOf } from "../yaml-tree";

/**
 * What a resource runs must be code the check reads: a notebook in the workspace, a Git source or
 * a file that is not in the repository could name any catalog, and nothing here would see it.
 */
export const sourceUnreadable: Rule = {
  id: "source-unreadable",
  description: "A resource runs code the check cannot read: a workspace path, a Git source, a path through an unresolved variable, or a file that is not in the repository.",
  fix: "keep the code in the repository and name it by a path relative to the resource's file",
  check: ({ sources }) =>
    sources.unreadable.map((u) => finding(sourceUnreadable, u.node, `${u.address} runs ${u.what}, in ${targetList(u.targets)}`, sourceUnreadable.fix, textOf(u.node))),
};
