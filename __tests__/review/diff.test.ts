import * as path from "path";
import fc from "fast-check";
import { NO_CHANGES, diffOutputs, prodScope, renderDiffMarkdown, type AccessChange } from "../../lib/review/diff";
import { type SynthesizedStack } from "../../lib/output/stack";
import { readSynthOutput } from "../../lib/output/read";
import { defaultModel, defaultModelData, isolatedModel, modelFrom, synthOutput } from "../helpers";
import { FIXTURES, edited } from "./support";
import { regrantIndex } from "../../lib/review/diff/terraform";

const read = (...parts: string[]) => readSynthOutput(path.join(FIXTURES, ...parts));
const base = read("diff", "base");

function diff(before: readonly SynthesizedStack[], after: readonly SynthesizedStack[], model = defaultModel()): AccessChange[] {
  return diffOutputs(before, after, prodScope([before, after], model));
}

/** The essentials of a change, for readable expectations. */
const brief = (c: AccessChange) => ({ prod: c.prod, direction: c.direction, kind: c.kind, principal: c.principal, securable: c.securable, summary: c.summary });

describe("grants diff fixtures (ref-prod as BASE)", () => {
  it("reports an added pair as widening, with the new principal, in PROD", () => {
    expect(diff(base, read("diff", "add")).map(brief)).toEqual([
      { prod: true, direction: "widens", kind: "grant", principal: "Databricks - Prod", securable: "prod", summary: "granted: read (+EXECUTE +READ_VOLUME +SELECT +USE_CATALOG +USE_SCHEMA)" },
      { prod: true, direction: "neutral", kind: "principal", principal: "Databricks - Prod", securable: undefined, summary: "principal added" },
    ]);
  });

  it("reports a removed pair as narrowing, with the principal gone", () => {
    expect(diff(base, read("diff", "remove")).map(brief)).toEqual([
      { prod: true, direction: "narrows", kind: "grant", principal: "Databricks - Prod - ReadOnly", securable: "prod", summary: "revoked: read (-EXECUTE -READ_VOLUME -SELECT -USE_CATALOG -USE_SCHEMA)" },
      { prod: true, direction: "neutral", kind: "principal", principal: "Databricks - Prod - ReadOnly", securable: undefined, summary: "principal removed" },
    ]);
  });

  it("reports a privilege added to a pair as widening", () => {
    const [change, ...rest] = diff(base, read("diff", "widen"));
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ prod: true, direction: "widens", kind: "grant", stack: "ref-prod", resource: "databricks_grant.catalog_prod__group_prod_readonly", added: ["MODIFY"], removed: [] });
  });

  it("reports ALL_PRIVILEGES -> read as narrowing, though privileges are added", () => {
    const [change, ...rest] = diff(base, read("diff", "narrow"));
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ direction: "narrows", principal: "Databricks - Account Admin", removed: ["ALL_PRIVILEGES"] });
    expect(change.added).toHaveLength(5);
  });

  it("reports no change between identical outputs, in one line", () => {
    expect(diff(base, base)).toEqual([]);
    expect(diff(read("clean"), read("clean"))).toEqual([]);
    expect(renderDiffMarkdown([])).toBe(`${NO_CHANGES}\n`);
  });

  it("renders widening and narrowing apart in the PR comment, PROD marked", () => {
    const widen = renderDiffMarkdown(diff(base, read("diff", "widen")));
    const narrow = renderDiffMarkdown(diff(base, read("diff", "narrow")));
    expect(widen).toContain("| **+ widens** | **PROD** | grant | Databricks - Prod - ReadOnly (group) | catalog prod | changed: read +MODIFY | update | ref-prod `databricks_grant.catalog_prod__group_prod_readonly` |");
    expect(widen).toMatch(/\n\*\*Terraform\*\* \(BASE applied, HEAD planned\): ref-prod: 1 update\.\n$/);
    expect(narrow).toContain("| - narrows | **PROD** | grant | Databricks - Account Admin (group) | catalog prod |");
    expect(widen).toMatch(/^### Access changes: 1 \(1 widen\), \*\*1 in PROD\*\*$/m);
  });
});

describe("grants diff over real output", () => {
  const open = synthOutput(defaultModel());

  it("puts prod changes first, then widening before narrowing", () => {
    const after = edited(
      edited(open, "ref-dev", (j) => j.resource.databricks_grant.catalog_dev__group_dev.privileges.push("MODIFY")),
      "ref-prod",
      (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["SELECT", "USE_CATALOG", "USE_SCHEMA"]),
    );
    expect(diff(open, after).map((c) => [c.prod, c.direction, c.securable])).toEqual([
      [true, "narrows", "prod"],
      [false, "widens", "dev"],
    ]);
  });

  it("tells prod without a model by the stack name, and with one by model.production", () => {
    const after = edited(open, "ref-prod", (j) => delete j.resource.databricks_grant.catalog_prod__group_prod_readonly);
    expect(diffOutputs(open, after, prodScope([open, after]))[0].prod).toBe(true);
    const scope = prodScope([open], defaultModel());
    expect([...scope.stacks]).toEqual(["ref-prod"]);
    expect([...scope.catalogs]).toEqual(["prod"]);
  });

  it("marks prod's changes PROD, and not staging's, when prod promotes from nothing (production is the model's, not the end of a chain)", () => {
    const data = defaultModelData();
    delete data.environments.prod.promotion;
    const m = modelFrom(data);
    const before = synthOutput(m);
    const after = edited(
      edited(before, "ref-prod", (j) => j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges.push("MODIFY")),
      "ref-staging",
      (j) => j.resource.databricks_grant.catalog_staging__group_dev.privileges.push("MODIFY"),
    );
    expect(diff(before, after, m).map((c) => [c.prod, c.stack, c.resource])).toEqual([
      [true, "ref-prod", "databricks_grant.catalog_prod__group_prod_readonly"],
      [false, "ref-staging", "databricks_grant.catalog_staging__group_dev"],
    ]);
  });

  it("takes production from the model's `production`, whatever the stacks are called", () => {
    const data = defaultModelData();
    data.production = "staging";
    delete data.environments.prod.promotion; // nothing promotes from production
    const scope = prodScope([synthOutput(defaultModel())], modelFrom(data));
    expect([...scope.stacks]).toEqual(["ref-staging"]);
    expect([...scope.catalogs]).toEqual(["staging"]);
  });

  it("reports isolating the catalogs: bindings added widen, isolation narrows, each catalog's change in its stack", () => {
    const isolated = synthOutput(isolatedModel());
    const changes = diff(open, isolated).map((c) => [c.prod, c.direction, c.kind, c.securable, c.summary]);
    expect(changes).toEqual([
      [true, "narrows", "protection", "prod", "isolation_mode: OPEN -> ISOLATED"],
      [false, "widens", "binding", "dev", "binding added: workspace 2222222222222222 (read-only)"],
      [false, "widens", "binding", "staging", "binding added: workspace 3333333333333333 (read-only)"],
      [false, "narrows", "protection", "dev", "isolation_mode: OPEN -> ISOLATED"],
      [false, "narrows", "protection", "staging", "isolation_mode: OPEN -> ISOLATED"],
    ]);
  });

  it("marks an added databricks_grants as a risk, even with no grant blocks (it revokes everything on its securable)", () => {
    const after = edited(open, "ref-dev", (j) => {
      j.resource.databricks_grants = { catalog_dev: { catalog: "${databricks_catalog.dev.name}" } };
    });
    expect(diff(open, after)).toEqual([
      expect.objectContaining({
        direction: "risk",
        kind: "authoritative",
        stack: "ref-dev",
        resource: "databricks_grants.catalog_dev",
        securableType: "catalog",
        securable: "dev",
        summary: "databricks_grants added: on every apply it revokes every privilege on catalog dev it does not list; it lists none",
      }),
    ]);
    expect(renderDiffMarkdown(diff(open, after))).toContain("| **! risk** |  | authoritative |  | catalog dev | databricks_grants added: on every apply it revokes every privilege on catalog dev it does not list; it lists none | create | ref-dev `databricks_grants.catalog_dev` |");
    expect(renderDiffMarkdown(diff(open, after))).toMatch(/^### Access changes: 1 \(1 risk\)$/m);
  });

  it("reports a new owner as widening for the new owner", () => {
    const after = edited(open, "ref-dev", (j) => (j.resource.databricks_catalog.dev.owner = "${data.databricks_group.dev.display_name}"));
    expect(diff(open, after).map(brief)).toEqual([
      { prod: false, direction: "widens", kind: "owner", principal: "Databricks - Dev", securable: "dev", summary: "owner: ml-pipelines-dev-service-principal -> Databricks - Dev (the owner holds every privilege and grants them)" },
    ]);
    expect(diff(after, open).map(brief)).toEqual([
      { prod: false, direction: "widens", kind: "owner", principal: "ml-pipelines-dev-service-principal", securable: "dev", summary: "owner: Databricks - Dev -> ml-pipelines-dev-service-principal (the owner holds every privilege and grants them)" },
    ]);
  });

  it("reports protection removed from a catalog and a schema as widening", () => {
    const after = edited(open, "ref-staging", (j) => {
      delete j.resource.databricks_catalog.staging.lifecycle;
      j.resource.databricks_catalog.staging.force_destroy = true;
      delete j.resource.databricks_schema.staging__gold.lifecycle;
    });
    expect(diff(open, after).map((c) => [c.direction, c.securableType, c.securable, c.summary])).toEqual([
      ["widens", "catalog", "staging", "force_destroy: false -> true"],
      ["widens", "catalog", "staging", "prevent_destroy: true -> false"],
      ["widens", "schema", "staging.gold", "prevent_destroy: true -> false"],
    ]);
  });

  /** ref-dev with the dev group's grant on dev at another address. */
  const renamed = (moved: boolean) =>
    edited(open, "ref-dev", (j) => {
      const g = j.resource.databricks_grant;
      g.catalog_dev__group_dev_renamed = g.catalog_dev__group_dev;
      delete g.catalog_dev__group_dev;
      if (moved) j.moved = [{ from: "databricks_grant.catalog_dev__group_dev", to: "databricks_grant.catalog_dev__group_dev_renamed" }];
    });

  it("reports a catalog added and removed", () => {
    const after = edited(open, "ref-dev", (j) => (j.resource.databricks_catalog.scratch = { name: "scratch", lifecycle: { prevent_destroy: true } }));
    expect(diff(open, after).map((c) => [c.direction, c.kind, c.summary])).toEqual([["neutral", "catalog", "catalog added"]]);
    expect(diff(after, open).map((c) => c.summary)).toEqual(["catalog removed: Terraform DESTROYS it and its data (prevent_destroy leaves with the block; the stack needs a removed block with destroy = false)"]);
  });

  it("reports a catalog that leaves with a removed block (destroy = false) as forgotten, once, not as deleted", () => {
    const after = edited(open, "ref-dev", (j) => (j.resource.databricks_catalog.scratch = { name: "scratch", lifecycle: { prevent_destroy: true } }));
    const forgotten = edited(open, "ref-dev", (j) => (j.removed = [{ from: "databricks_catalog.scratch", lifecycle: { destroy: false } }]));
    expect(diff(after, forgotten).map((c) => [c.direction, c.kind, c.summary])).toEqual([
      ["risk", "catalog", "catalog forgotten: Terraform stops managing it (removed block, destroy = false); it stays in the workspace with its data"],
    ]);
    const destroyed = edited(open, "ref-dev", (j) => (j.removed = [{ from: "databricks_catalog.scratch", lifecycle: { destroy: true } }]));
    expect(diff(after, destroyed).map((c) => [c.direction, c.summary])).toEqual([
      ["risk", expect.stringMatching(/^catalog removed: Terraform DESTROYS it/)],
      ["risk", expect.stringMatching(/^removed databricks_catalog\.scratch added: terraform DESTROYS what it names/)],
    ]);
  });

  it("marks a grant moved to another address without a moved block as a risk, with the fix", () => {
    const [change, ...rest] = diff(open, renamed(false));
    // Terraform deletes the old address (its own row: what the plan does to it) and creates the new.
    expect(rest.map((c) => [c.direction, c.terraform, c.resource])).toEqual([["risk", "delete", "databricks_grant.catalog_dev__group_dev"]]);
    expect(change.terraform).toBe("create");
    expect(change).toMatchObject({ direction: "risk", kind: "re-grant", stack: "ref-dev", resource: "databricks_grant.catalog_dev__group_dev_renamed", principal: "Databricks - Dev", securable: "dev" });
    expect(change.summary).toBe(
      "declared by ref-dev databricks_grant.catalog_dev__group_dev_renamed (was ref-dev databricks_grant.catalog_dev__group_dev): without a moved block Terraform destroys the old grant " +
        "(revoking EXECUTE, READ_VOLUME, SELECT, USE_CATALOG, USE_SCHEMA) and creates the new one, in no fixed order, so the privileges can end up revoked. " +
        "Fix: declare the rename in the model (moved.ref-dev: { databricks_grant.catalog_dev__group_dev: databricks_grant.catalog_dev__group_dev_renamed }), which writes the moved block",
    );
    expect(renderDiffMarkdown([change])).toContain("| **! risk** |  | re-grant | Databricks - Dev (group) | catalog dev | declared by ref-dev");
  });

  it("reports a grant moved with a moved block from its old address as neutral", () => {
    expect(diff(open, renamed(true)).map((c) => [c.direction, c.kind, c.summary])).toEqual([
      ["neutral", "re-grant", "declared by ref-dev databricks_grant.catalog_dev__group_dev_renamed (was ref-dev databricks_grant.catalog_dev__group_dev), with a moved block: renamed in state, nothing revoked"],
      // The moved block itself is listed too, under its own heading.
      ["neutral", "config", 'moved databricks_grant.catalog_dev__group_dev added: {"from":"databricks_grant.catalog_dev__group_dev","to":"databricks_grant.catalog_dev__group_dev_renamed"}'],
    ]);
  });

  it("marks a grant moved to another stack as a risk: no moved block crosses stacks", () => {
    const after = edited(
      edited(open, "ref-dev", (j) => delete j.resource.databricks_grant.catalog_dev__group_dev),
      "ref-staging",
      (j) => (j.resource.databricks_grant.catalog_dev__group_dev = { catalog: "dev", principal: "${data.databricks_group.dev.display_name}", privileges: ["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"] }),
    );
    const [change, ...rest] = diff(open, after);
    expect(rest.map((c) => [c.direction, c.stack, c.terraform, c.resource])).toEqual([["risk", "ref-dev", "delete", "databricks_grant.catalog_dev__group_dev"]]);
    expect(change).toMatchObject({ direction: "risk", kind: "re-grant", stack: "ref-staging", terraform: "create" });
    expect(change.summary).toContain("Fix: a moved block cannot cross stacks: run `terraform state rm 'databricks_grant.catalog_dev__group_dev'` for ref-dev before it applies");
  });
});

describe("the re-grant rows a planned delete is named in", () => {
  // What withTerraformActions asked of every delete, a search of every re-grant row's text; the index answers the same.
  const searched = (summaries: readonly string[], stack: string, address: string) => summaries.some((s) => s.includes(` ${stack} ${address}`));
  const rows = (summaries: readonly string[]) => summaries.map((summary) => ({ kind: "re-grant" as const, direction: "risk" as const, stack: "s", resource: "r", summary }));

  it("answers as a search of the rows' text, prefixes and names with spaces included", () => {
    const summaries = [
      "declared by ref-dev databricks_grant.catalog_dev__group_developers (was ref-dev databricks_grant.catalog_dev__group_dev_old)",
      "ref-prod databricks_grant.first_word_is_not_after_a_space",
      "declared by odd stack a b",
    ];
    const named = regrantIndex([...rows(summaries), { kind: "grant", direction: "widens", stack: "x", resource: "y", summary: "declared by ref-dev databricks_grant.only_in_a_grant_row" }]);
    for (const [stack, address] of [
      ["ref-dev", "databricks_grant.catalog_dev__group_developers"],
      ["ref-dev", "databricks_grant.catalog_dev__group_dev"],
      ["ref-dev", "databricks_grant.catalog_dev__group_dev_old"],
      ["ref-dev", "databricks_grant.catalog_dev__group_devx"],
      ["ref-prod", "databricks_grant.first_word_is_not_after_a_space"],
      ["ref-dev", "databricks_grant.only_in_a_grant_row"],
      ["odd stack", "a"],
      ["odd", "stack a"],
      ["", "a"],
    ] as const) {
      expect([stack, address, named(stack, address)]).toEqual([stack, address, searched(summaries, stack, address)]);
    }
  });

  it("answers as a search of the rows' text for generated rows and names", () => {
    const word = fc.constantFrom("a", "ab", "abc", "b", "s", "s1", "(was", "ab,", "");
    const text = fc.array(word, { maxLength: 8 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), word, word, (summaries, stack, address) => {
        expect(regrantIndex(rows(summaries))(stack, address)).toBe(searched(summaries, stack, address));
      }),
      { numRuns: 500 },
    );
  });
});

describe("a stack added", () => {
  it("says what it needs applied first: the account stack looks up the principals the workspace stacks create", () => {
    const fs = require("fs") as typeof import("fs");
    const { parseEnvironmentModel } = require("../../lib/model/load") as typeof import("../../lib/model/load");
    const full = parseEnvironmentModel(fs.readFileSync(path.join(__dirname, "..", "fixtures", "models", "full.yaml"), "utf8"), "full.yaml");
    const head = synthOutput(full);
    const row = diff(head.filter((s) => s.name !== "ref-account"), head, full).find((c) => c.stack === "ref-account" && c.resource === "(stack)");
    expect(row?.summary).toBe('stack added: apply ref-dev, ref-staging, ref-prod first (it looks up the service principals they create by display name, which fails until they exist: docs/ci-setup.md#bootstrapping-oidc; npm run rehearse keeps that order)');
  });
});
