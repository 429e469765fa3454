/**
 * docs/access-levels.md is generated from lib/permissions.ts (`npm run docs:levels`) and committed
 * fresh; its examples are ones the model accepts, and `write` is still no level.
 */
import * as fs from "fs";
import * as path from "path";
import { ACCESS_LEVELS } from "../../lib/permissions";
import { ACCESS_LEVELS_FILE, levelComments, renderAccessLevels } from "../../scripts/lib/access-levels";
import { ROOT, defaultModelData, modelFrom } from "../helpers";

const SOURCE = fs.readFileSync(path.join(ROOT, "lib", "permissions.ts"), "utf8");

describe("docs/access-levels.md", () => {
  it("is what `npm run docs:levels` generates from lib/permissions.ts now", () => {
    expect(fs.readFileSync(path.join(ROOT, ACCESS_LEVELS_FILE), "utf8")).toBe(renderAccessLevels());
  });

  it("defines every level, each with its doc comment", () => {
    const comments = levelComments(SOURCE);
    expect(Object.keys(comments).sort()).toEqual(Object.keys(ACCESS_LEVELS).sort());
    const page = renderAccessLevels(SOURCE);
    for (const [level, comment] of Object.entries(comments)) {
      expect(comment.length).toBeGreaterThan(10);
      expect(page).toContain(`| \`${level}\` |`);
    }
  });

  it("fails, naming the level, when a level has no doc comment", () => {
    const stripped = SOURCE.replace(/\/\*\* See the catalog[^]*?\*\/\s*(browse: \{)/, "$1");
    expect(stripped).not.toBe(SOURCE);
    expect(() => renderAccessLevels(stripped)).toThrow("lib/permissions.ts: no doc comment before the level browse");
  });

  it("gives examples the model accepts: the access block, and write access as a list of privileges", () => {
    const page = fs.readFileSync(path.join(ROOT, ACCESS_LEVELS_FILE), "utf8");
    const data = defaultModelData();
    data.access.prod_readonly = { prod: ["USE_CATALOG", "USE_SCHEMA", "SELECT"] };
    expect(() => modelFrom(data)).not.toThrow();
    const write = /`(\[USE_CATALOG, USE_SCHEMA, SELECT, MODIFY\])`/.exec(page);
    expect(write).not.toBeNull();
    data.access.prod_readonly = { prod: write![1].slice(1, -1).split(", ") };
    expect(() => modelFrom(data)).not.toThrow();
  });

  it("rejects `write` as a level, as the page says", () => {
    const data = defaultModelData();
    data.access.prod_readonly = { prod: "write" };
    expect(() => modelFrom(data)).toThrow(/access\.prod_readonly\.prod: is not an access level or catalog privilege \(got "write"\)/);
  });
});
