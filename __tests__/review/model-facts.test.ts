/**
 * What the grants diff now also sees (lib/review/diff/model-facts.ts): the model's own safety facts,
 * who can sign in as a principal, and no false alarm (reordering, a principal's lookup, the stack's
 * own state file read from another folder depth). Each case is the reference or full model plus
 * one edit, as an attacker or a new user would make it.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { diffTrees } from "../../lib/commands/grants-diff";
import type { OutputTree } from "../../lib/output/read";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { renderDiffMarkdown, type AccessChange } from "../../lib/review/diff";
import { FAIL_ON, failingKinds } from "../../lib/review/fail-on";
import type { SynthesizedStack } from "../../lib/output/stack";
import { ROOT, defaultModel, defaultModelData, modelFrom, synthOutput } from "../helpers";
import { edited } from "./support";

const tree = (stacks: readonly SynthesizedStack[]): OutputTree => ({ dir: "(memory)", stacks: [...stacks], findings: [] });
const brief = (c: AccessChange) => ({ prod: c.prod, direction: c.direction, kind: c.kind, resource: c.resource, summary: c.summary });

const FULL = fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"), "utf8");
const fullData = () => parseYaml(FULL);
function parseYaml(text: string): any {
  return require("yaml").parse(text);
}

/** The changes between two models, each synthesized (the review commands' diff, with both models). */
function diffModels(base: EnvironmentModel, head: EnvironmentModel, edit?: (out: SynthesizedStack[]) => SynthesizedStack[]): AccessChange[] {
  const before = synthOutput(base);
  const after = edit ? edit(synthOutput(head)) : synthOutput(head);
  return diffTrees(tree(before), tree(after), base, head);
}

/**
 * The same for a change that leaves the output as it is (a model fact): both sides get the base's
 * output, which is what the head's synthesizes to (the first case checks that once).
 */
function diffFacts(base: EnvironmentModel, head: EnvironmentModel): AccessChange[] {
  const out = synthOutput(base);
  return diffTrees(tree(out), tree(out), base, head);
}

const reference = defaultModel();
const withData = (edit: (d: any) => void) => {
  const d = defaultModelData();
  edit(d);
  return modelFrom(d);
};

describe("the model's safety facts, which change what the policy allows without changing the output", () => {
  it("reports a principal taken off legacyServicePrincipals as a risk on every environment, production included", () => {
    const head = withData((d) => delete d.legacyServicePrincipals["github-service-principal"]);
    const changes = diffModels(reference, head);
    expect(changes.map(brief)).toEqual([
      {
        prod: true,
        direction: "risk",
        kind: "config",
        resource: "legacyServicePrincipals.github-service-principal",
        summary: "github-service-principal (f920d175-cf7c-43a2-a6c0-e9ccb42c02d2) is no longer retired: grants may name it again on every environment (the retired-principal invariant no longer covers it)",
      },
    ]);
    expect(failingKinds(changes, FAIL_ON)).toEqual(["1 risk", "1 change in PROD"]);
    expect(renderDiffMarkdown(changes)).toContain("#### Model facts");
  });

  it("reports a retired principal renamed (its old name no longer refused) as a risk, and one newly retired as narrowing", () => {
    const renamed = withData((d) => {
      d.legacyServicePrincipals = { "github-sp": d.legacyServicePrincipals["github-service-principal"] };
    });
    expect(diffFacts(reference, renamed).map((c) => [c.direction, c.summary.split(":")[0]])).toEqual([["risk", "retired principal renamed to github-sp"]]);
    const more = withData((d) => (d.legacyServicePrincipals["old-ci"] = "0f6d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"));
    expect(diffFacts(reference, more).map((c) => [c.direction, c.resource])).toEqual([["narrows", "legacyServicePrincipals.old-ci"]]);
  });

  it("reports a change of the production environment as a risk on production", () => {
    // (Production may not be promoted from, so prod promotes from nothing here.)
    const base = withData((d) => delete d.environments.prod.promotion);
    const head = withData((d) => {
      delete d.environments.prod.promotion;
      d.production = "staging";
    });
    const changes = diffFacts(base, head);
    // The default approvals follow production: prod no longer needs one, dev (staging's source) does.
    expect(changes.map((c) => [c.direction, c.resource])).toEqual([["risk", "environments.prod.approval"], ["risk", "production"], ["narrows", "environments.dev.approval"]]);
    const change = changes[1];
    expect(change).toMatchObject({ prod: true, direction: "risk", resource: "production" });
    expect(change.summary).toMatch(/^production: prod -> staging: /);
  });

  it("reports a new sandbox catalog pattern as a risk: other names count as developers' own", () => {
    const head = withData((d) => (d.sandbox.catalogName = "{user}_scratch"));
    expect(diffFacts(reference, head).map((c) => [c.direction, c.resource])).toEqual([["risk", "sandbox.catalogName"]]);
  });

  it("shows sandbox.storage with its location and url, and a moved url as a risk", () => {
    const storage = { externalLocation: "ref-ml-core-dev-sandboxes", url: "s3://ref-ml-core-dev-workspace-bucket/sandboxes" };
    const withStorage = withData((d) => (d.sandbox.storage = storage));
    const added = diffModels(reference, withStorage);
    // The grant on the external location carries the direction; the model row says where.
    expect(added.filter((c) => c.kind === "config").map(brief)).toEqual([
      {
        prod: false,
        direction: "neutral",
        kind: "config",
        resource: "sandbox.storage",
        summary: "sandbox storage added: location ref-ml-core-dev-sandboxes (url s3://ref-ml-core-dev-workspace-bucket/sandboxes); developers create their sandboxes' managed storage under it",
      },
    ]);
    expect(added.filter((c) => c.kind === "grant").map((c) => [c.direction, c.securable])).toEqual([["widens", "ref-ml-core-dev-sandboxes"]]);
    const moved = withData((d) => (d.sandbox.storage = { ...storage, url: "s3://ref-ml-core-sandboxes/all" }));
    expect(diffModels(withStorage, moved).map(brief)).toEqual([
      {
        prod: false,
        direction: "risk",
        kind: "config",
        resource: "sandbox.storage",
        summary:
          "sandbox storage: location ref-ml-core-dev-sandboxes (url s3://ref-ml-core-dev-workspace-bucket/sandboxes) -> location ref-ml-core-dev-sandboxes (url s3://ref-ml-core-sandboxes/all); developers' new sandboxes keep their data under the new url",
      },
    ]);
  });

  it("reports a promotion added as widening (with its grants), on production when production promotes", () => {
    const base = withData((d) => delete d.environments.prod.promotion);
    const changes = diffModels(base, reference);
    const model = changes.filter((c) => c.kind === "config");
    expect(model.map(brief)).toEqual([
      {
        prod: true,
        direction: "widens",
        kind: "config",
        resource: "environments.prod.promotion",
        summary: "promotion added: ml-pipelines-prod-service-principal reads staging's catalog, schema models's models (read-only)",
      },
    ]);
    expect(changes.filter((c) => c.kind === "grant").every((c) => c.direction === "widens" && c.prod)).toBe(true);
    expect(diffModels(reference, base).find((c) => c.resource === "environments.prod.promotion")?.direction).toBe("narrows");
  });

  it("reports a code owner removed or added as a risk (any one owner may approve a change alone)", () => {
    const owned = withData((d) => (d.codeOwners = ["@refresh-os/platform", "@refresh-os/security"]));
    const fewer = withData((d) => (d.codeOwners = ["@refresh-os/platform"]));
    expect(diffFacts(owned, fewer).map((c) => [c.direction, c.summary.split(" (")[0]])).toEqual([["risk", "code owners: -@refresh-os/security"]]);
    expect(diffFacts(fewer, owned).map((c) => [c.direction, c.summary.split(" (")[0]])).toEqual([["risk", "code owners: +@refresh-os/security"]]);
  });

  it("reports no model fact when one model is given for both sides", () => {
    const head = withData((d) => delete d.legacyServicePrincipals["github-service-principal"]);
    expect(diffTrees(tree(synthOutput(reference)), tree(synthOutput(reference)), head, head)).toEqual([]);
  });
});

describe("reordering alone is no change", () => {
  it("finds nothing between the model and the same model with every map and list reordered", () => {
    const d = defaultModelData();
    const reversed = (o: any) => Object.fromEntries(Object.entries(o).reverse());
    d.groups = reversed(d.groups);
    d.access = reversed(Object.fromEntries(Object.entries(d.access).map(([g, envs]) => [g, reversed(envs)])));
    d.access.dev = { staging: ["USE_SCHEMA", "SELECT", "READ_VOLUME", "USE_CATALOG", "EXECUTE"], dev: "read" };
    for (const env of Object.values(d.environments) as any[]) env.catalog.schemas = [...env.catalog.schemas].reverse();
    d.environments = reversed(d.environments);
    d.environments = Object.fromEntries([["dev", d.environments.dev], ["staging", d.environments.staging], ["prod", d.environments.prod]].reverse());
    d.legacyServicePrincipals = reversed({ ...d.legacyServicePrincipals, "old-ci": "0f6d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b" });
    const base = withData((x) => (x.legacyServicePrincipals["old-ci"] = "0f6d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"));
    const head = parseEnvironmentModel(stringify(d), "reordered.yaml");
    expect(head.environments.map((e) => e.key)).toEqual(["prod", "staging", "dev"]); // really reordered
    expect(diffModels(base, head)).toEqual([]);
  });

  it("finds nothing when the output's lists and keys are reordered (privileges, audiences, blocks)", () => {
    const full = parseEnvironmentModel(FULL, "full.yaml");
    const shuffled = (out: SynthesizedStack[]) =>
      edited(edited(out, "ref-prod", (j) => {
        for (const g of Object.values(j.resource.databricks_grant) as any[]) g.privileges = [...g.privileges].reverse();
        j.resource = Object.fromEntries(Object.entries(j.resource).reverse());
      }), "ref-account", (j) => {
        for (const p of Object.values(j.resource.databricks_service_principal_federation_policy) as any[]) {
          p.oidc_policy = { audiences: [...p.oidc_policy.audiences, "extra-audience"].reverse(), subject: p.oidc_policy.subject, issuer: p.oidc_policy.issuer };
        }
      });
    const reordered = (out: SynthesizedStack[]) =>
      edited(out, "ref-account", (j) => {
        for (const p of Object.values(j.resource.databricks_service_principal_federation_policy) as any[]) p.oidc_policy.audiences = [...p.oidc_policy.audiences, "extra-audience"];
      });
    const before = reordered(synthOutput(full));
    const after = shuffled(synthOutput(full));
    // Privileges are a set and blocks are keyed: no change. `audiences` is a list in the provider's
    // schema, so terraform plans its reordering as an in-place update: shown as that, and no trust change.
    const changes = diffTrees(tree(before), tree(after), full, full);
    expect(changes.filter((c) => c.kind !== "config")).toEqual([]);
    expect(changes.map((c) => [c.direction, c.terraform, c.resource])).toEqual(
      ["dev", "plan", "plan__deploy", "prod", "staging"].map((k) => ["neutral", "update", `databricks_service_principal_federation_policy.github__${k}`]),
    );
  });
});

describe("who can sign in as a principal (the account stack's federation policies)", () => {
  const full = parseEnvironmentModel(FULL, "full.yaml");
  const policy = (env: string) => (j: any) => j.resource.databricks_service_principal_federation_policy[`github__${env}`];

  it("reports a changed subject of production's deploying principal as a risk on PROD, not a neutral configuration line", () => {
    const changes = diffModels(full, full, (out) => edited(out, "ref-account", (j) => (policy("prod")(j).oidc_policy.subject = "repo:refresh-os/uc-env-isolation:pull_request")));
    expect(changes.map(brief)).toEqual([
      {
        prod: true,
        direction: "risk",
        kind: "trust",
        resource: "databricks_service_principal_federation_policy.github__prod",
        summary:
          "who can sign in as it (federation policy): +trusts subject repo:refresh-os/uc-env-isolation:pull_request, issuer https://token.actions.githubusercontent.com, audience 0d26daa6-5e44-4c97-a497-ef015f91254a; -no longer trusts subject repo:refresh-os/uc-env-isolation:environment:prod, issuer https://token.actions.githubusercontent.com, audience 0d26daa6-5e44-4c97-a497-ef015f91254a",
      },
    ]);
    expect(changes[0].principal).toBe("ml-pipelines-prod-service-principal");
    expect(renderDiffMarkdown(changes)).toMatch(/^\| \*\*! risk\*\* \| \*\*PROD\*\* \| trust \| ml-pipelines-prod-service-principal \(service principal\) \| /m);
  });

  it("reports another issuer or audience, or a policy moved onto production's principal, as a risk on PROD", () => {
    const issuer = diffModels(full, full, (out) => edited(out, "ref-account", (j) => (policy("prod")(j).oidc_policy.issuer = "https://issuer.example")));
    expect(issuer.map((c) => [c.kind, c.direction, c.prod])).toEqual([["trust", "risk", true]]);
    const audience = diffModels(full, full, (out) => edited(out, "ref-account", (j) => policy("prod")(j).oidc_policy.audiences.push("another-account")));
    expect(audience.map((c) => [c.kind, c.direction, c.prod])).toEqual([["trust", "risk", true]]);
    // dev's policy re-pointed at prod's principal: prod now trusts dev's GitHub environment.
    const moved = diffModels(full, full, (out) => edited(out, "ref-account", (j) => (policy("dev")(j).service_principal_id = "${data.databricks_service_principal.prod.sp_id}")));
    expect(moved.map((c) => [c.principal, c.direction, c.prod])).toEqual([
      ["ml-pipelines-prod-service-principal", "risk", true],
      ["ml-pipelines-dev-service-principal", "narrows", false],
    ]);
  });

  it("reports a change on dev's principal as a risk without PROD, and the plan principal's as a risk on PROD (it reads every catalog)", () => {
    const dev = diffModels(full, full, (out) => edited(out, "ref-account", (j) => (policy("dev")(j).oidc_policy.subject = "repo:refresh-os/uc-env-isolation:ref:refs/heads/main")));
    expect(dev.map((c) => [c.principal, c.direction, c.prod])).toEqual([["ml-pipelines-dev-service-principal", "risk", false]]);
    const plan = diffModels(full, full, (out) => edited(out, "ref-account", (j) => (policy("plan")(j).oidc_policy.subject = "repo:refresh-os/uc-env-isolation:ref:refs/heads/feature")));
    expect(plan.map((c) => [c.principal, c.direction, c.prod])).toEqual([["uc-env-isolation-plan", "risk", true]]);
  });

  it("reports a new repository in the model as a risk on every principal it lets sign in", () => {
    const data = fullData();
    data.github.repository = "someone-else/uc-env-isolation";
    const head = parseEnvironmentModel(stringify(data), "full.yaml");
    const trust = diffModels(full, head).filter((c) => c.kind === "trust");
    expect(trust.map((c) => [c.principal, c.direction, c.prod])).toEqual([
      ["ml-pipelines-prod-service-principal", "risk", true],
      // The plan principal's two policies (pull requests, the deploys' plan jobs): a row each.
      ["uc-env-isolation-plan", "risk", true],
      ["uc-env-isolation-plan", "risk", true],
      ["ml-pipelines-dev-service-principal", "risk", false],
      ["ml-pipelines-staging-service-principal", "risk", false],
    ]);
  });
});

describe("no false alarms", () => {
  it("counts a new grant once: the lookup of the group it names is not a second widening", () => {
    const head = withData((d) => (d.access.dev.prod = "read"));
    const changes = diffModels(reference, head);
    expect(changes.map((c) => [c.kind, c.direction, c.resource])).toEqual([["grant", "widens", "databricks_grant.catalog_prod__group_dev"]]);
    expect(failingKinds(changes, FAIL_ON)).toEqual(["1 widen", "1 change in PROD"]);
  });

  it("still lists a lookup that no grant names (neutral), and an unknown data source as widening", () => {
    const lonely = diffModels(reference, reference, (out) => edited(out, "ref-dev", (j) => (j.data.databricks_group.ghost = { display_name: "Ghosts" })));
    expect(lonely.map((c) => [c.direction, c.resource])).toEqual([["neutral", "data.databricks_group.ghost"]]);
    const external = diffModels(reference, reference, (out) => edited(out, "ref-dev", (j) => (j.data.external = { x: { program: ["sh", "-c", "id"] } })));
    expect(external.map((c) => [c.direction, c.resource])).toEqual([["widens", "data.external.x"]]);
  });

  it("compares the stack's own local state file by what it is, whatever folder depth each side was synthesized at", () => {
    // As synth writes it: relative to the stack's directory, to terraform.<stack>.tfstate in the project.
    const at = (out: readonly SynthesizedStack[], outdir: string, project: string) =>
      out.map((s) => {
        const stackDir = path.join(outdir, "stacks", s.name);
        const json = JSON.parse(JSON.stringify(s.json));
        json.terraform.backend.local.path = path.relative(stackDir, path.join(project, `terraform.${s.name}.tfstate`));
        return { name: s.name, json, file: path.join(stackDir, "cdk.tf.json") };
      });
    const out = synthOutput(reference);
    const base = at(out, "/tmp/base.out/cdktf.out", process.cwd()); // the README's recipe: ../../../../../<project>/terraform.ref-dev.tfstate
    const head = at(out, path.join(process.cwd(), "cdktf.out"), process.cwd());
    expect(base[0].json.terraform!.backend!.local.path).not.toBe(head[0].json.terraform!.backend!.local.path);
    expect(diffTrees(tree(base), tree(head), reference, reference)).toEqual([]);
    // Another file is a change, and a risk.
    const elsewhere = edited(head, "ref-prod", (j) => (j.terraform.backend.local.path = "../../../../elsewhere/terraform.ref-prod.tfstate")).map((s, i) => ({ ...s, file: head[i].file }));
    expect(diffTrees(tree(base), tree(elsewhere), reference, reference).map((c) => [c.direction, c.prod, c.resource])).toEqual([["risk", true, "terraform.backend"]]);
  });
});

describe("default deny over the model's facts", () => {
  const { isJudgedFact, modelFacts, modelFactChanges } = require("../../lib/review/diff/model-facts") as typeof import("../../lib/review/diff/model-facts");

  it("rejects a changed model fact that neither the output nor an analyser judges: a risk on production", () => {
    const base = defaultModel();
    // A fact a later model field might bring, that nobody taught the diff: it must not pass unseen.
    const head = { ...base, escalation: { onCall: "Databricks - Dev" } } as unknown as EnvironmentModel;
    expect(modelFactChanges(base, head).map((c) => [c.direction, c.prod, c.resource])).toEqual([["risk", true, "escalation.onCall"]]);
  });

  it("knows every fact of the full model, sandbox storage and renames included: each is shown by the output or judged by an analyser", () => {
    const d = fullData();
    d.sandbox.storage = { externalLocation: "ref-ml-core-dev-sandboxes", url: "s3://ref-ml-core-dev-workspace-bucket/sandboxes" };
    d.environments.prod.catalog.storageRoot = "s3://ref-ml-core-prod-workspace-bucket/catalog";
    d.environments.prod.approval = "required";
    d.production = "prod";
    d.codeOwners = ["@refresh-os/platform"];
    d.moved = { "ref-dev": { "databricks_grant.old": "databricks_grant.catalog_dev__group_dev" } };
    const facts = [...modelFacts(modelFrom(d)).keys()];
    expect(facts).toEqual(expect.arrayContaining(["sandbox.storage.url", "environments.prod.catalog.storageRoot", "moved.ref-dev.databricks_grant.old", "codeOwners", "production"]));
    expect(facts.filter((f) => !isJudgedFact(f))).toEqual([]);
  });
});
