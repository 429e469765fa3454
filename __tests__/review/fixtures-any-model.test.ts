/**
 * The fixture generator (__tests__/fixtures/synth/cases.ts) works for any valid model: it picks
 * environments and groups by their role, never by key, and each case it writes still breaks the
 * rule it is named after. Proved on the reference model and on another organisation's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { desiredState } from "../../lib/desired-state";
import { diffOutputs, prodScope } from "../../lib/review/diff";
import { readSynthOutput } from "../../lib/output/read";
import { checkGate } from "../../lib/gate/check";
import { readOutputTree } from "../../lib/output/read";
import { fixtureFiles } from "../fixtures/synth/cases";
import { ROOT, defaultModel } from "../helpers";

/** The rule each policy case is built to break. */
const RULE_OF_CASE: Record<string, string> = {
  "dev-modify-on-prod": "write-outside-own-environment",
  "prod-readonly-reads-staging": "exceeds-model",
  "pair-in-two-stacks": "duplicate-pair",
  "authoritative-metastore": "authoritative-metastore",
  "authoritative-schema": "authoritative-grants",
  "grant-and-grants-on-catalog": "authoritative-grants",
  "binding-prod-to-dev": "catalog-isolation",
  "catalog-owned-by-group": "catalog-owner",
  "principal-spoof": "principal-declaration",
  "prod-aimed-at-dev": "provider-workspace",
  "host-from-variable": "provider-workspace",
  "token-in-provider": "provider-secret",
  "secret-resources": "secret-resource",
  "unprotected-catalog": "catalog-protection",
  "unresolved-reference": "unresolved-reference",
};

const OTHER_ORG_FILE = path.join(ROOT, "__tests__", "fixtures", "models", "other-org.yaml");

/** Writes the fixtures of `model` into a temporary directory and returns it. */
function written(model: EnvironmentModel): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-any-fixtures-"));
  for (const [rel, text] of fixtureFiles(model)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe.each([
  ["the reference model", () => defaultModel(), 15],
  ["another organisation's two-environment model", () => parseEnvironmentModel(fs.readFileSync(OTHER_ORG_FILE, "utf8"), "other-org.yaml"), 14],
])("fixtures generated from %s", (_name, load, cases) => {
  const model = load();
  const dir = written(model);
  const policyCases = fs.readdirSync(path.join(dir, "policy")).sort();
  const desired = desiredState(model);

  it("has a clean output that passes the policy", () => {
    expect(checkGate(readOutputTree(path.join(dir, "clean")), desired).violations).toEqual([]);
  });

  it("has every case the model has the roles for", () => {
    expect(policyCases).toHaveLength(cases);
    for (const c of policyCases) expect(Object.keys(RULE_OF_CASE)).toContain(c);
  });

  it.each(Object.keys(RULE_OF_CASE))("fails case %s on the rule it is named after (when the model has it)", (c) => {
    if (!policyCases.includes(c)) return;
    const rules = checkGate(readOutputTree(path.join(dir, "policy", c)), desired).violations.map((v) => v.rule);
    expect(rules).toContain(RULE_OF_CASE[c]);
  });

  it("has diff cases that widen and narrow production", () => {
    const base = readSynthOutput(path.join(dir, "diff", "base"));
    const directions = (head: string) =>
      diffOutputs(base, readSynthOutput(path.join(dir, "diff", head)), prodScope([base], model)).map((c) => `${c.direction}${c.prod ? " prod" : ""}`);
    expect(directions("widen")).toEqual(["widens prod"]);
    expect(directions("narrow")).toEqual(["narrows prod"]);
    expect(directions("remove")).toContain("narrows prod");
  });
});
