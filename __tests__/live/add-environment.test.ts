/**
 * docs/adding-an-environment.md, followed in a copy of the repository: the page's own edit commands
 * (its ```console e2e block, up to `npm run update`) run in the copy, then what `npm run update`
 * does (refreshGenerated, the same function), then the checks of the tests that read the live model
 * (checks.ts) on the copy, and each thing the page says happens: the files that change, the deploy
 * job, the plan and audit matrices, the GitHub environment and variable, the new stack passing the
 * policy, and (with `account` and `github`) the account stack's federation policy for the new
 * principal. The copy's model is the reference organisation's (the page's edits are written against
 * it), so an edit of the live model never breaks this test; the exact output of `npm run update` is
 * the page's e2e example (__tests__/e2e/docs-examples.test.ts).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { desiredState } from "../../lib/desired-state";
import { checkGate, formatViolation } from "../../lib/gate/check";
import { loadEnvironmentModel, parseEnvironmentModel } from "../../lib/model/load";
import { refreshGenerated, type Refreshed } from "../../scripts/lib/generated";
import { parseExamples, referenceModelText, runInShell, withScratch } from "../docs/examples";
import { ROOT, synthOutput } from "../helpers";
import { liveProblems } from "./checks";

const PAGE = "docs/adding-an-environment.md";
const pageText = fs.readFileSync(path.join(ROOT, PAGE), "utf8");

/** What `npm run update` reads and writes, as update-flow.test.ts copies it. */
const DATA = ["terraform-addresses.json", "cdktf.json", "package.json", "__tests__/live/output", "__tests__/fixtures/synth", "__tests__/fixtures/models", "__tests__/__snapshots__", ".github/workflows", ".github/CODEOWNERS"];

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && (e.name === "node_modules" || e.name === "cdktf.out" || e.name.startsWith("cdktf.out.") || e.name === "tmp")) continue;
      if (e.isDirectory()) walk(r);
      else out.set(r, crypto.createHash("sha1").update(fs.readFileSync(path.join(dir, r))).digest("hex"));
    }
  };
  walk("");
  return out;
}

/** The page's edit: the commands of its e2e block before `npm run update`. */
const block = parseExamples(pageText, PAGE).find((b) => b.e2e && b.steps.some((s) => s.command === "npm run --silent update"));
const edits = block ? block.steps.slice(0, block.steps.findIndex((s) => s.command === "npm run --silent update")) : [];

let root = "";
let repo = "";
let refreshed: Refreshed;
let changed: string[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "uc-add-env-"));
  repo = path.join(root, "repo");
  const scratch = path.join(root, "tmp");
  fs.mkdirSync(scratch);
  for (const rel of DATA) if (fs.existsSync(path.join(ROOT, rel))) fs.cpSync(path.join(ROOT, rel), path.join(repo, rel), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  // The repository as the page starts from it: the reference model and everything generated from it.
  fs.writeFileSync(path.join(repo, "environments.yaml"), referenceModelText());
  refreshGenerated(repo);
  const before = snapshot(repo);
  for (const step of edits) {
    const r = runInShell(withScratch(step.command, scratch), repo, false);
    if (r.status !== 0) throw new Error(`${PAGE}:${step.line}: ${step.command.split("\n")[0]} failed: ${r.output}`);
  }
  refreshed = refreshGenerated(repo);
  const after = snapshot(repo);
  changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
}, 60_000);

afterAll(() => root && fs.rmSync(root, { recursive: true, force: true }));

const workflow = (file: string) => fs.readFileSync(path.join(repo, ".github", "workflows", file), "utf8");

describe("the page", () => {
  it("has the edit as commands: the environment block, its insertion, the access cells", () => {
    expect(edits.map((s) => s.command.split("\n")[0])).toEqual([
      "cat > /tmp/qa.yaml <<'EOF'",
      "sed -i '/^  staging:$/e cat /tmp/qa.yaml' environments.yaml",
      expect.stringContaining("account_admin"),
      expect.stringContaining("dev: { dev: read, qa: read, staging: read }"),
    ]);
  });
});

describe("following the page: a fourth environment, qa, between dev and staging", () => {
  it("gives a valid model with qa in the deploy order the page says", () => {
    const model = loadEnvironmentModel(path.join(repo, "environments.yaml"));
    expect(model.environments.map((e) => e.key)).toEqual(["dev", "qa", "staging", "prod"]);
    const qa = model.environments.find((e) => e.key === "qa")!;
    expect({ stack: qa.stackName, profile: qa.workspace.profile, catalog: qa.catalog.name }).toEqual({ stack: "ref-qa", profile: "ref-qa", catalog: "qa" });
    // The file keeps its comments and layout (the edit is textual).
    expect(fs.readFileSync(path.join(repo, "environments.yaml"), "utf8")).toContain("# One stack per environment, each aimed at its own workspace.");
  });

  it("changes what the page lists (the model, the new stack's output, the addresses, three workflows), no .ts file", () => {
    expect(changed).toEqual([
      ".github/workflows/audit.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/pull-request.yml",
      "__tests__/live/output/ref-qa.json",
      "environments.yaml",
      "terraform-addresses.json",
    ]);
    for (const f of changed.filter((x) => x !== "environments.yaml" && x !== "terraform-addresses.json")) expect(pageText).toContain(f.replace(/^\.github\/workflows\//, ".github/workflows/"));
  });

  it("adds addresses only: every one `+`, nothing destroyed in any stack", () => {
    expect(refreshed.addresses.length).toBeGreaterThan(0);
    expect(refreshed.addresses.filter((l) => !l.startsWith("+ ref-qa "))).toEqual([]);
    expect(refreshed.addresses).toEqual(expect.arrayContaining(["+ ref-qa databricks_catalog.qa", "+ ref-qa databricks_service_principal.qa"]));
  });

  it("passes the checks of the tests that read the live model (recorded output, addresses, the policy gate, the workflows)", () => {
    expect(liveProblems(repo)).toEqual([]);
  });

  it("writes a deploy job for ref-qa after ref-dev, in the environment qa, with DATABRICKS_CLIENT_ID_REF_QA and no approval; ref-staging waits for it", () => {
    const jobs = (parse(workflow("deploy.yml")) as { jobs: Record<string, { needs?: string; with: Record<string, string> }> }).jobs;
    expect(Object.keys(jobs)).toEqual(["ref-dev", "ref-qa", "ref-staging", "ref-prod"]);
    expect(jobs["ref-qa"]).toMatchObject({ needs: "ref-dev", with: { stack: "ref-qa", environment: "qa", "client-id-variable": "DATABRICKS_CLIENT_ID_REF_QA", approval: "none" } });
    expect(jobs["ref-staging"]).toMatchObject({ needs: "ref-qa", with: { approval: "required" } });
    expect(jobs["ref-prod"]).toMatchObject({ with: { approval: "required" } });
    expect(pageText).toContain("`DATABRICKS_CLIENT_ID_REF_QA`");
    expect(pageText).toContain("--environment qa --approval none");
  });

  it("puts ref-qa into the plan and audit matrices, as the page shows them", () => {
    const line = "stack: [ref-dev, ref-qa, ref-staging, ref-prod]";
    expect(workflow("pull-request.yml")).toContain(line);
    expect(workflow("audit.yml")).toContain(line);
    expect(pageText).toContain(`\`${line}\``);
  });

  it("creates the qa catalog (no import) owned by its own principal, which gets use on dev and read on dev.models", () => {
    const qa = JSON.parse(fs.readFileSync(path.join(repo, "__tests__", "live", "output", "ref-qa.json"), "utf8"));
    expect(qa.import ?? []).toEqual([]);
    expect(qa.resource.databricks_catalog.qa).toMatchObject({ name: "qa", lifecycle: { prevent_destroy: true } });
    expect(qa.resource.databricks_grant.catalog_dev__sp_qa.privileges).toEqual(["USE_CATALOG"]);
    expect(qa.resource.databricks_grant.schema_dev__models__sp_qa.schema).toBe("dev.models");
    expect(qa.provider.databricks).toEqual([expect.objectContaining({ host: "https://dbc-5e7b1c42-a9d0.cloud.databricks.com" })]);
  });

  it("with account and github set, the account stack adds a federation policy trusting only the qa GitHub environment, and passes the policy", () => {
    // The model's commented account and github sections, filled in as checks.ts fills them.
    const doc = parseDocument(fs.readFileSync(path.join(repo, "environments.yaml"), "utf8"));
    doc.set("account", { id: "0d26daa6-5e44-4c97-a497-ef015f91254a", profile: "ref-account" });
    doc.set("github", { repository: "org/repo", planServicePrincipal: { name: "uc-env-isolation-plan", applicationId: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f" } });
    const model = parseEnvironmentModel(String(doc), "environments.yaml");
    const output = synthOutput(model);
    const account = output.find((s) => s.name === "ref-account")!;
    const policies = Object.values((account.json.resource as Record<string, Record<string, any>>).databricks_service_principal_federation_policy ?? {});
    const subjects = policies.map((p) => p.oidc_policy.subject);
    expect(subjects).toContain("repo:org/repo:environment:qa");
    const qaPolicy = policies.find((p) => p.oidc_policy.subject === "repo:org/repo:environment:qa")!;
    expect(qaPolicy.oidc_policy).toMatchObject({ issuer: "https://token.actions.githubusercontent.com", audiences: ["0d26daa6-5e44-4c97-a497-ef015f91254a"] });
    // On the qa principal, which the account stack looks up by its display name (so ref-qa is applied first, as the page says).
    expect(qaPolicy.service_principal_id).toBe("${data.databricks_service_principal.qa.sp_id}");
    expect((account.json.data as Record<string, Record<string, any>>).databricks_service_principal.qa).toMatchObject({ display_name: "ml-pipelines-qa-service-principal" });
    expect(checkGate(output, desiredState(model)).violations.map(formatViolation)).toEqual([]);
  });

  it("rejects the new environment on another environment's workspace, naming both fields (as the page says)", () => {
    const text = fs.readFileSync(path.join(repo, "environments.yaml"), "utf8").replace("https://dbc-5e7b1c42-a9d0.cloud.databricks.com", "https://dbc-a72d6af9-df3d.cloud.databricks.com");
    expect(() => parseEnvironmentModel(text, "environments.yaml")).toThrow(/environments\.qa\.workspace\.host: is the same workspace host as environments\.dev\.workspace\.host/);
  });
});
