/**
 * Access as a picture (GitHub renders Mermaid in Markdown): principals on the left, catalogs and
 * schemas on the right, grouped into one cluster per environment (production marked), the access
 * level on each edge. `npm run grants -- --format mermaid` draws what the output grants;
 * `grants:diff --format mermaid` draws only the changed edges, for the pull-request comment.
 *
 * Bounded: past MAX_EDGES edges, the grants of a principal in one environment collapse into one
 * edge to the environment ("3 grants"), so a big model still gives a readable diagram.
 */
import type { EnvironmentModel } from "../model/types";
import { ACCESS_LEVELS, type SecurableType } from "../permissions";
import type { AccessChange } from "./diff";
import type { GrantRow } from "./grants";

/** Past this many edges the diagram collapses by environment. */
export const MAX_EDGES = 40;

/** One edge: a principal's access to a securable, with its label and style. */
export interface AccessEdge {
  readonly principal: string;
  readonly principalKind: string;
  readonly securableType: string;
  readonly securable: string;
  readonly label: string;
  readonly style?: "widens" | "narrows" | "risk";
}

/** Which environment a securable belongs to, and whether it is production. */
export interface Environments {
  of(securableType: string, securable: string, stack: string): { readonly key: string; readonly prod: boolean };
}

/** Environments from the model (by catalog name), else by the declaring stack (prod: its name says so). */
export function environmentsOf(model: EnvironmentModel | undefined): Environments {
  const byCatalog = new Map(model?.environments.map((e) => [e.catalog.name, e.key]) ?? []);
  return {
    of(securableType, securable, stack) {
      if (securableType === "metastore") return { key: "metastore (shared)", prod: false };
      const key = byCatalog.get(securable.split(".")[0]) ?? (model ? `catalog ${securable.split(".")[0]}` : stack);
      const prod = model ? key === model.production.key : /prod/i.test(stack);
      return { key, prod };
    },
  };
}

/** The access level a privilege list is, when it is one (`read`), else the privileges. */
export function accessLabel(securableType: string, privileges: readonly string[]): string {
  const sorted = [...privileges].sort().join(",");
  for (const [level, by] of Object.entries(ACCESS_LEVELS)) {
    const set = (by as { readonly [T in SecurableType]?: readonly string[] })[securableType as SecurableType];
    if (set && [...set].sort().join(",") === sorted) return level;
  }
  return privileges.join(", ");
}

export function grantEdges(rows: readonly GrantRow[]): (AccessEdge & { stack: string })[] {
  return rows.map((r) => ({
    stack: r.stack,
    principal: r.principal,
    principalKind: r.principalKind,
    securableType: r.securableType,
    securable: r.securable,
    label: accessLabel(r.securableType, r.privileges),
  }));
}

/** The changed grants as edges: `+MODIFY -SELECT`, styled by direction; other changes are left out. */
export function changeEdges(changes: readonly AccessChange[]): (AccessEdge & { stack: string })[] {
  return changes
    .filter((c) => c.principal !== undefined && c.securable !== undefined && c.securableType !== undefined)
    .map((c) => {
      const parts = [...(c.added ?? []).map((p) => `+${p}`), ...(c.removed ?? []).map((p) => `-${p}`)];
      return {
        stack: c.stack,
        principal: c.principal!,
        principalKind: c.principalKind ?? "",
        securableType: c.securableType!,
        securable: c.securable!,
        label: parts.length > 0 ? parts.join(" ") : c.kind,
        ...(c.direction !== "neutral" ? { style: c.direction } : {}),
      };
    });
}

/** Text safe inside a Mermaid `"..."` label. */
function text(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/[<>]/g, (m) => (m === "<" ? "#lt;" : "#gt;"));
}

const STYLE = { widens: "stroke:#d1242f,stroke-width:2px", risk: "stroke:#bf8700,stroke-width:2px", narrows: "stroke:#1a7f37" } as const;

/**
 * A Mermaid flowchart of `edges`: principals on the left, one cluster per environment (production
 * first and marked), an edge per grant with its label. Collapses by environment past MAX_EDGES.
 */
export function renderMermaid(edges: readonly (AccessEdge & { stack: string })[], envs: Environments, maxEdges = MAX_EDGES): string {
  const lines = ["flowchart LR"];
  if (edges.length === 0) return `${lines.join("\n")}\n  none["no grants"]\n`;
  const placed = edges.map((e) => ({ ...e, env: envs.of(e.securableType, e.securable, e.stack) }));
  const collapse = placed.length > maxEdges;

  const principals = [...new Map(placed.map((e) => [e.principal, e.principalKind])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const pid = new Map(principals.map(([p], i) => [p, `p${i}`]));
  for (const [p, kind] of principals) lines.push(`  ${pid.get(p)}["${text(p)}${kind && kind !== "group" ? ` (${kind.replace("_", " ")})` : ""}"]`);

  // Clusters: production first, then by name.
  const clusters = [...new Map(placed.map((e) => [e.env.key, e.env.prod])).entries()].sort(([a, ap], [b, bp]) => (ap !== bp ? (ap ? -1 : 1) : a < b ? -1 : 1));
  const sid = new Map<string, string>();
  clusters.forEach(([key, prod], i) => {
    lines.push(`  subgraph e${i}["${prod ? "PROD: " : ""}${text(key)}"]`);
    if (collapse) {
      sid.set(key, `e${i}n`);
      lines.push(`    e${i}n(("${text(key)}"))`);
    } else {
      const securables = [...new Set(placed.filter((e) => e.env.key === key).map((e) => `${e.securableType} ${e.securable}`))].sort();
      securables.forEach((s, j) => {
        sid.set(`${key}\0${s}`, `e${i}s${j}`);
        lines.push(`    e${i}s${j}["${text(s)}"]`);
      });
    }
    lines.push("  end");
    if (prod) lines.push(`  style e${i} stroke:#d1242f,stroke-width:3px`);
  });

  const drawn: { from: string; to: string; label: string; style?: keyof typeof STYLE }[] = [];
  if (collapse) {
    const grouped = new Map<string, typeof placed>();
    for (const e of placed) grouped.set(`${e.principal}\0${e.env.key}`, [...(grouped.get(`${e.principal}\0${e.env.key}`) ?? []), e]);
    for (const [k, group] of grouped) {
      const [p, env] = k.split("\0");
      const style = (["widens", "risk", "narrows"] as const).find((s) => group.some((e) => e.style === s));
      drawn.push({ from: pid.get(p)!, to: sid.get(env)!, label: `${group.length} grant${group.length === 1 ? "" : "s"}`, ...(style ? { style } : {}) });
    }
  } else {
    for (const e of placed) drawn.push({ from: pid.get(e.principal)!, to: sid.get(`${e.env.key}\0${e.securableType} ${e.securable}`)!, label: e.label, ...(e.style ? { style: e.style } : {}) });
  }
  drawn.sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  drawn.forEach((d) => lines.push(`  ${d.from} -->|"${text(d.label)}"| ${d.to}`));
  drawn.forEach((d, i) => {
    if (d.style) lines.push(`  linkStyle ${i} ${STYLE[d.style]}`);
  });
  if (collapse) lines.push(`  %% ${placed.length} edges collapsed by environment (more than ${maxEdges}); the table has each one`);
  return `${lines.join("\n")}\n`;
}
