/**
 * `npm run rehearse` with the account stack (a fixture model with account and github): its lookups
 * of the deploying principals need the workspace stacks applied first.
 */
import * as fs from "fs";
import * as path from "path";
import { FULL_MODEL, rehearseCli, requireTerraform, tmpDir } from "./support";

beforeAll(requireTerraform);

describe("rehearse with an account stack (fixture model with account and github)", () => {
  const dir = tmpDir("uc-e2e-account-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const full = { ENVIRONMENTS_FILE: FULL_MODEL };

  it("plans the account stack against the workspace as the workspace stacks leave it", () => {
    const r = rehearseCli([], { env: full });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual(["ref-dev", "ref-staging", "ref-prod", "ref-account"]);
    // 4 federation policies (3 deploying principals and the plan principal) and 3 permission assignments.
    expect(lines[3]).toBe("ref-account: Plan: 8 to add, 0 to change, 0 to destroy.");
    expect(r.stderr).toContain("ref-account: planned against the workspace as ref-dev, ref-staging, ref-prod leave it after their apply");
  });

  it("rejects applying the account stack before its workspace stacks, naming the order", () => {
    const r = rehearseCli(["ref-account", "--apply", "--workspace", path.join(dir, "empty.json")], { env: full });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ref-dev, ref-staging, ref-prod have never been applied in this workspace. Fix: rehearse them first, or together: npm run rehearse -- ref-dev ref-staging ref-prod ref-account --apply");
    expect(fs.existsSync(path.join(dir, "empty.json"))).toBe(false);
  });

  it("applies all four stacks in order; a second plan is empty", () => {
    const world = path.join(dir, "world.json");
    const applied = rehearseCli(["--apply", "--workspace", world], { env: full });
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/^ref-account: Plan: 8 to add, 0 to change, 0 to destroy\. Apply complete! Resources: 8 added, 0 changed, 0 destroyed\.$/m);
    const ws = JSON.parse(fs.readFileSync(world, "utf8"));
    expect(Object.keys(ws.federationPolicies)).toHaveLength(5); // a deploying principal's each, the plan principal's two
    expect(Object.keys(ws.permissionAssignments).sort()).toEqual(["1111111111111111", "2222222222222222", "3333333333333333"]);
    const again = rehearseCli(["--workspace", world], { env: full });
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split("\n").every((l) => /: No changes\. /.test(l))).toBe(true);
  });
});
