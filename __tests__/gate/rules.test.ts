import * as fs from "fs";
import * as path from "path";
import { RULES, rulesMarkdown } from "../../lib/gate/rules";
import { ROOT } from "../helpers";

describe("the rule registry", () => {
  it("is the rule table of the policy command's page, word for word (its `policy -- --rules` example; UC_DOCS_WRITE refreshes it)", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "commands", "policy.md"), "utf8")).toContain(rulesMarkdown());
  });

  it("gives every rule an id, what it forbids and a fix, once each", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.forbids.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });

  it("has a test that breaks each rule (fixtures and attacks name every rule id)", () => {
    const sources = ["attacks.test.ts", "../review/policy.test.ts", "../synth-swap.test.ts"].map((f) => fs.readFileSync(path.join(__dirname, f), "utf8")).join("\n");
    for (const r of RULES) expect({ rule: r.id, tested: sources.includes(`[${r.id}]`) || sources.includes(`"${r.id}"`) }).toEqual({ rule: r.id, tested: true });
  });
});
