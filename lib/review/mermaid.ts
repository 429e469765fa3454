/**
 * Access as a picture (GitHub renders Mermaid in Markdown): principals on the left, labelled as
 * groups or service principals; catalogs and schemas on the right, one cluster per environment
 * (production first and marked, then the model's order, the metastore last); the access level on
 * each edge. `npm run grants -- --format mermaid` draws what the output grants; `grants:diff
 * --format mermaid` draws only the changed grants (`+read`, `read → all`), for the pull-request comment.
 *
 * Bounded: past MAX_EDGES edges the chart collapses in steps, each keeping the levels, and a note
 * in the chart says what it collapsed or left out (the table lists every grant):
 *   1. one edge per principal and environment, labelled with every level it holds there
 *      (`use; read models`);
 *   2. principals with the same access in every environment share one box;
 *   3. the first MAX_EDGES edges (production's and widenings first), the count of the rest.
 */
import type { AccessChange } from "./diff";
import { comparePlaces, type Environments, type Place } from "./environments";
import type { GrantRow } from "../output/grants";
import { IN_CATALOG } from "../resources/grant";
import { accessLabel, privilegeChange } from "./levels";
import { principalLabel } from "./report";

export { environmentsOf, type Environments } from "./environments";
export { accessLabel, levelOf } from "./levels";

/** Past this many edges the diagram collapses (see above). */
export const MAX_EDGES = 40;

/** One edge: a principal's access to a securable, with its label and style. */
export interface AccessEdge {
  readonly stack: string;
  readonly principal: string;
  readonly principalKind: string;
  readonly securableType: string;
  readonly securable: string;
  readonly label: string;
  readonly style?: Style;
  /** Production's, whatever the environments say (a diff's change marked PROD by the base side's model). */
  readonly prod?: boolean;
}

type Style = "widens" | "risk" | "narrows";

export function grantEdges(rows: readonly GrantRow[]): AccessEdge[] {
  return rows.map((r) => ({
    stack: r.stack,
    principal: r.principal,
    principalKind: r.principalKind,
    securableType: r.securableType,
    securable: r.securable,
    label: accessLabel(r.securableType, r.privileges),
  }));
}

const privilegeList = (c: AccessChange, side: "before" | "after"): string[] | undefined => {
  const v = c[side];
  return Array.isArray(v) && v.every((p) => typeof p === "string") ? (v as string[]) : undefined;
};

/**
 * A grant change in levels where they match: `+read` (granted), `-all` (revoked), `read → all`,
 * `read +MODIFY` (a level and more), `+SELECT -MODIFY → read`; else the privileges added and removed.
 */
export function changeLabel(c: AccessChange): string {
  if (c.kind === "owner") return c.direction === "widens" ? "+owner" : "owner no longer set";
  if (c.kind !== "grant") return c.kind;
  const was = privilegeList(c, "before");
  const now = privilegeList(c, "after");
  if (was === undefined || now === undefined) return [...(c.added ?? []).map((p) => `+${p}`), ...(c.removed ?? []).map((p) => `-${p}`)].join(" ") || c.kind;
  return privilegeChange(c.securableType ?? "", was, now, true);
}

/** The changes a diff chart draws as edges: grants, re-grants and owners (a principal on a securable). */
export function drawable(c: AccessChange): boolean {
  return c.kind !== "config" && c.principal !== undefined && c.securable !== undefined && c.securableType !== undefined;
}

/** The changed grants and owners as edges (`+read`, `read → all`), styled by direction. */
export function changeEdges(changes: readonly AccessChange[]): AccessEdge[] {
  return changes.filter(drawable).map((c) => ({
    stack: c.stack,
    principal: c.principal!,
    principalKind: c.principalKind ?? "",
    securableType: c.securableType!,
    securable: c.securable!,
    label: changeLabel(c),
    ...(c.direction !== "neutral" ? { style: c.direction } : {}),
    ...(c.prod ? { prod: true } : {}),
  }));
}

/** The chart of what an output grants (`grants --format mermaid`). */
export function grantsMermaid(rows: readonly GrantRow[], envs: Environments, maxEdges = MAX_EDGES): string {
  return renderMermaid(grantEdges(rows), envs, { maxEdges, noun: "grant", empty: "no grants" });
}

/**
 * The chart of a diff (`grants:diff --format mermaid`): the changed grants and owners as edges; a
 * note counts what the table has and the chart does not draw (catalogs, bindings, trust,
 * configuration), so an empty-looking chart never hides a change.
 */
export function diffMermaid(changes: readonly AccessChange[], envs: Environments, maxEdges = MAX_EDGES): string {
  const edges = changeEdges(changes);
  const access = changes.filter((c) => c.kind !== "config" && !drawable(c));
  const config = changes.filter((c) => c.kind === "config");
  const notDrawn = [
    ...(access.length > 0 ? [`${count(access.length, "other access change")} (${[...new Set(access.map((c) => c.kind))].join(", ")})`] : []),
    ...(config.length > 0 ? [count(config.length, "other configuration change")] : []),
  ];
  return renderMermaid(edges, envs, {
    maxEdges,
    noun: "changed grant",
    empty: access.length > 0 ? "no grant changes" : "no access changes",
    ...(notDrawn.length > 0 ? { notDrawn: `${notDrawn.join(" and ")}: in the table, not drawn` } : {}),
  });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Text safe inside a Mermaid `"..."` label: entity codes for what Mermaid would read as syntax. */
export function text(s: string): string {
  return s.replace(/[#"<>`]/g, (m) => `#${m.charCodeAt(0)};`);
}

const STYLE: { readonly [S in Style]: string } = { widens: "stroke:#d1242f,stroke-width:2px", risk: "stroke:#bf8700,stroke-width:2px", narrows: "stroke:#1a7f37" };
const SEVERITY: readonly (Style | undefined)[] = ["widens", "risk", "narrows", undefined];

export interface ChartOptions {
  /** Past this many edges the chart collapses. @default MAX_EDGES */
  readonly maxEdges?: number;
  /** What one edge of the detailed chart is, for the note (`grant`, `changed grant`). @default "grant" */
  readonly noun?: string;
  /** The one node of a chart without edges. @default "no grants" */
  readonly empty?: string;
  /** What the chart's input has that no edge draws, said in the note. */
  readonly notDrawn?: string;
}

interface Placed extends AccessEdge {
  readonly env: Place;
}

/** A drawn edge: from a principal box to a securable (or an environment), with what it stands for. */
interface Drawn {
  readonly principals: readonly string[];
  readonly env: Place;
  /** The securable's node key, or undefined for an edge to the environment as a whole. */
  readonly securable?: string;
  readonly label: string;
  readonly style?: Style;
}

/**
 * A Mermaid flowchart of `edges`: principals on the left, one cluster per environment (production
 * first and marked), an edge per grant with its label; collapsed past `maxEdges` (see the top).
 */
export function renderMermaid(edges: readonly AccessEdge[], envs: Environments, options: ChartOptions = {}): string {
  const maxEdges = options.maxEdges ?? MAX_EDGES;
  const noun = options.noun ?? "grant";
  const placed0 = edges.map((e) => ({ ...e, env: envs.of(e.securableType, e.securable) }));
  // An environment with an edge marked production is production's cluster, whatever else says so.
  const prodKeys = new Set(placed0.filter((e) => e.prod || e.env.prod).map((e) => e.env.key));
  const placed: Placed[] = placed0.map((e) => (prodKeys.has(e.env.key) && !e.env.prod ? { ...e, env: { ...e.env, prod: true, rank: 0 } } : e));
  const kinds = new Map(placed.map((e) => [e.principal, e.principalKind]));
  if (placed.length === 0) return chart(undefined, [`  none["${text([options.empty ?? "no grants", ...(options.notDrawn ? [options.notDrawn] : [])].join("; "))}"]`]);

  // 1. One edge per grant.
  let drawn: Drawn[] = placed.map((e) => ({ principals: [e.principal], env: e.env, securable: securableKey(e), label: e.label, ...(e.style ? { style: e.style } : {}) }));
  let how = count(placed.length, noun);
  const collapsed = drawn.length > maxEdges;
  if (drawn.length > maxEdges) {
    // 2. One edge per principal and environment, with every level it holds there.
    drawn = byEnvironment(placed);
    how = `${count(placed.length, noun)}, one edge per principal and environment`;
  }
  if (drawn.length > maxEdges) {
    // 3. Principals with the same edges share one box.
    drawn = samePrincipals(drawn);
    how += "; principals with the same access share a box";
  }
  if (drawn.length > maxEdges) {
    // 4. The edges that matter most (production, widenings first); the rest counted.
    drawn = [...drawn].sort(byImportance);
    const hidden = drawn.slice(maxEdges);
    const where = [...new Set(hidden.map((d) => d.env.key))];
    drawn = drawn.slice(0, maxEdges);
    how += `; ${count(hidden.length, "more edge")} (to ${where.slice(0, 3).join(", ")}${where.length > 3 ? ` and ${where.length - 3} more` : ""}) not drawn: production's and widenings come first`;
  }
  if (collapsed) how += "; the table lists each";

  const lines: string[] = [];
  // Principal boxes, in the table's order: groups, service principals, users; by name.
  const boxes = [...new Map(drawn.map((d) => [d.principals.join("\0"), d.principals])).values()].sort((a, b) => comparePrincipals(a[0], b[0], kinds));
  const pid = new Map(boxes.map((b, i) => [b.join("\0"), `p${i}`]));
  for (const b of boxes) lines.push(`  ${pid.get(b.join("\0"))}["${text(boxLabel(b, kinds))}"]`);

  // Clusters: production first, then the model's order, the metastore last. Mermaid draws the
  // subgraph declared last on top (its layout adds them last-first), so they are declared in reverse.
  const clusters = [...new Map(drawn.map((d) => [d.env.key, d.env])).values()].sort(comparePlaces);
  const node = new Map<string, string>();
  const blocks = clusters.map((env, i) => {
    const title = `${env.prod ? "PROD: " : ""}${env.key}`;
    const prodStyle = env.prod ? [`  style e${i} stroke:#d1242f,stroke-width:3px`] : [];
    if (collapsed) {
      // Collapsed: the environment is one node (edges to it stand for its catalog and schemas).
      node.set(`${env.key}\0`, `e${i}`);
      return [`  e${i}(["${text(title)}"])`, ...prodStyle];
    }
    const block = [`  subgraph e${i}["${text(title)}"]`];
    const securables = [...new Set(drawn.filter((d) => d.env.key === env.key).map((d) => d.securable!))].sort(compareSecurables);
    securables.forEach((s, j) => {
      node.set(`${env.key}\0${s}`, `e${i}s${j}`);
      block.push(`    e${i}s${j}["${text(s)}"]`);
    });
    return [...block, "  end", ...prodStyle];
  });
  lines.push(`  %% environments: ${clusters.map((c, i) => `e${i} ${c.prod ? "PROD: " : ""}${c.key}`.replace(/[\r\n]/g, " ")).join(", ")} (declared in reverse: Mermaid draws the last declared on top)`);
  for (const block of [...blocks].reverse()) lines.push(...block);

  const out = drawn
    .map((d) => ({ from: pid.get(d.principals.join("\0"))!, to: node.get(`${d.env.key}\0${d.securable ?? ""}`)!, label: d.label, style: d.style }))
    .sort((a, b) => (a.from !== b.from ? compareIds(a.from, b.from) : compareIds(a.to, b.to)));
  out.forEach((d) => lines.push(`  ${d.from} -->|"${text(d.label)}"| ${d.to}`));
  out.forEach((d, i) => {
    if (d.style) lines.push(`  linkStyle ${i} ${STYLE[d.style]}`);
  });
  // The note says what the chart collapsed or left out; a chart that draws everything needs none.
  const said = [...(collapsed ? [how] : []), ...(options.notDrawn ? [options.notDrawn] : [])];
  return chart(said.length > 0 ? said.join("; ") : undefined, lines);
}

/** The chart: a note saying what it draws, collapsed or left out (a node: Mermaid clips a long title), then the body. */
function chart(note: string | undefined, body: readonly string[]): string {
  const head = note === undefined ? [] : [`  note["${text(note)}"]`, "  style note fill:#ffffff,stroke:#888888,stroke-dasharray:3 3"];
  return `flowchart LR\n${[...head, ...body].join("\n")}\n`;
}

const securableKey = (e: AccessEdge) => `${e.securableType} ${e.securable}`;

/** A principal's edges in one environment, as one: `use, read models` (schema levels name the schema). */
function byEnvironment(placed: readonly Placed[]): Drawn[] {
  const groups = new Map<string, Placed[]>();
  for (const e of placed) {
    const k = `${e.principal}\0${e.env.key}`;
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  return [...groups.values()].map((group) => {
    const style = SEVERITY.find((s) => s !== undefined && group.some((e) => e.style === s));
    return { principals: [group[0].principal], env: group[0].env, label: combinedLabel(group), ...(style ? { style } : {}) };
  });
}

/**
 * The labels of one principal's edges in one environment: the catalog's level as it is, the
 * others with what they are on (`read models`), one label once (`read models, gold`), more than
 * three securables counted (`read 5 schemas`).
 */
function combinedLabel(group: readonly Placed[]): string {
  const onCatalog = new Set<string>();
  const onOthers = new Map<string, Placed[]>();
  for (const e of [...group].sort((a, b) => compareSecurables(securableKey(a), securableKey(b)))) {
    if (e.securableType === "catalog" || e.securableType === "metastore") onCatalog.add(e.label);
    else onOthers.set(e.label, [...(onOthers.get(e.label) ?? []), e]);
  }
  const parts = [...onCatalog];
  for (const [label, list] of onOthers) {
    const names = [...new Set(list.map((e) => (IN_CATALOG.has(e.securableType) ? e.securable.split(".").slice(1).join(".") : e.securable)))];
    const types = [...new Set(list.map((e) => e.securableType.replace(/_/g, " ")))];
    parts.push(names.length <= 3 ? `${label} ${names.join(", ")}` : `${label} ${names.length} ${types.length === 1 ? `${types[0]}s` : "securables"}`);
  }
  return parts.join("; ");
}

/** Principals whose edges are the same in every environment share one box. */
function samePrincipals(drawn: readonly Drawn[]): Drawn[] {
  const byPrincipal = new Map<string, Drawn[]>();
  for (const d of drawn) byPrincipal.set(d.principals[0], [...(byPrincipal.get(d.principals[0]) ?? []), d]);
  const bySignature = new Map<string, { principals: string[]; edges: Drawn[] }>();
  for (const [principal, list] of byPrincipal) {
    const signature = list
      .map((d) => `${d.env.key}\0${d.label}\0${d.style ?? ""}`)
      .sort()
      .join("\n");
    const entry = bySignature.get(signature);
    if (entry) entry.principals.push(principal);
    else bySignature.set(signature, { principals: [principal], edges: list });
  }
  return [...bySignature.values()].flatMap(({ principals, edges }) => edges.map((d) => ({ ...d, principals: principals.sort() })));
}

function byImportance(a: Drawn, b: Drawn): number {
  return (
    Number(b.env.prod) - Number(a.env.prod) ||
    SEVERITY.indexOf(a.style) - SEVERITY.indexOf(b.style) ||
    a.env.rank - b.env.rank ||
    (a.env.key < b.env.key ? -1 : a.env.key > b.env.key ? 1 : 0) ||
    (a.principals[0] < b.principals[0] ? -1 : a.principals[0] > b.principals[0] ? 1 : 0)
  );
}

const KIND_ORDER = ["group", "service_principal", "user", "unresolved"];

function comparePrincipals(a: string, b: string, kinds: ReadonlyMap<string, string>): number {
  const rank = (p: string) => {
    const i = KIND_ORDER.indexOf(kinds.get(p) ?? "");
    return i === -1 ? KIND_ORDER.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A box's label: the principal as the tables name it (`Databricks - Dev (group)`); a shared box names three and counts the rest. */
function boxLabel(principals: readonly string[], kinds: ReadonlyMap<string, string>): string {
  if (principals.length === 1) {
    const kind = kinds.get(principals[0]);
    return kind ? principalLabel(principals[0], kind) : principals[0];
  }
  const kindsHere = [...new Set(principals.map((p) => kinds.get(p) ?? ""))];
  const one = kindsHere.length === 1 && kindsHere[0] !== "";
  const names = principals.map((p) => (one || !kinds.get(p) ? p : principalLabel(p, kinds.get(p)!)));
  const what = one ? `${principals.length} ${kindsHere[0].replace(/_/g, " ")}s` : `${principals.length} principals`;
  return `${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""} (${what} with the same access)`;
}

const TYPE_ORDER = ["metastore", "catalog", "schema", "table", "volume", "model", "function"];

function compareSecurables(a: string, b: string): number {
  const rank = (s: string) => {
    const i = TYPE_ORDER.indexOf(s.split(" ")[0]);
    return i === -1 ? TYPE_ORDER.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** `p2` before `p10`. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
