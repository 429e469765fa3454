/**
 * No command overwrites a path it did not make: writeOwnFile (bundle --out, deploy-check --summary,
 * rehearse --json) writes a new or empty file or the command's own earlier output, and leaves
 * anything else exactly as it was.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../lib/cli/errors";
import { checkOwnFile, writeOwnFile, type OwnFile } from "../../lib/cli/write";
import { PLANS_FILE } from "../../lib/rehearse/rehearse";

const OWN: OwnFile = { writer: "test --out", what: 'a file starting "# mine"', isOwn: (t) => t.startsWith("# mine") };

describe("writeOwnFile", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-write-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const at = (name: string) => path.join(dir, name);
  const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));

  it("writes a new file, an empty one, and over its own earlier output", () => {
    writeOwnFile(at("new"), "# mine 1\n", OWN);
    expect(fs.readFileSync(at("new"), "utf8")).toBe("# mine 1\n");
    writeOwnFile(at("new"), "# mine 2\n", OWN);
    expect(fs.readFileSync(at("new"), "utf8")).toBe("# mine 2\n");
    fs.writeFileSync(at("empty"), "");
    writeOwnFile(at("empty"), "# mine\n", OWN);
    expect(fs.readFileSync(at("empty"), "utf8")).toBe("# mine\n");
    expect(leftovers()).toEqual([]);
  });

  it("rejects a file it did not write, naming the path, the writer and the fix, and leaves it as it was", () => {
    fs.writeFileSync(at("notes.md"), "my notes\n");
    expect(() => writeOwnFile(at("notes.md"), "# mine\n", OWN)).toThrow(
      new InputError(`${at("notes.md")} exists and was not written by test --out; test --out writes only a new file or its own earlier output (a file starting "# mine"), so it is left alone. Fix: give a path that does not exist yet, or move ${at("notes.md")} away first`),
    );
    expect(fs.readFileSync(at("notes.md"), "utf8")).toBe("my notes\n");
    expect(leftovers()).toEqual([]);
  });

  it("rejects a folder and a link (even a link to its own output: writing through it would write elsewhere)", () => {
    fs.mkdirSync(at("folder"));
    expect(() => writeOwnFile(at("folder"), "# mine\n", OWN)).toThrow(/folder is a folder; test --out writes only/);
    fs.writeFileSync(at("own"), "# mine\n");
    fs.symlinkSync(at("own"), at("link"));
    expect(() => writeOwnFile(at("link"), "# mine 2\n", OWN)).toThrow(/link is a link;/);
    expect(fs.readFileSync(at("own"), "utf8")).toBe("# mine\n");
    fs.symlinkSync(at("missing"), at("dangling"));
    expect(() => checkOwnFile(at("dangling"), OWN)).toThrow(/dangling is a link;/);
    expect(fs.existsSync(at("missing"))).toBe(false);
  });

  it("rejects a path in a folder that does not exist with the reason, and writes nothing", () => {
    expect(() => writeOwnFile(at("no/such/dir/file"), "# mine\n", OWN)).toThrow(/no\/such\/dir\/file: cannot be written \(ENOENT\)\. Fix: give a writable path/);
  });
});

describe("rehearse --json knows its own plans file", () => {
  it.each([
    ['{ "ref-dev": { "format_version": "1.2", "resource_changes": [] } }', true],
    ["{}", true],
    ['{ "ref-dev": { "resource_changes": [] } }', false],
    ['[{ "format_version": "1.2" }]', false],
    ["not json", false],
    ['{ "ref-dev": null }', false],
  ])("%s is its own: %s", (text, own) => {
    expect(PLANS_FILE.isOwn(text)).toBe(own);
  });
});
