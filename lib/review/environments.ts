/**
 * Where a securable is shown in the tables and charts: its environment, production first and
 * marked, then the model's order, the metastore (and what else belongs to no one environment) last.
 */
import type { EnvironmentModel } from "../model/types";
import { IN_CATALOG } from "../resources/grant";
import { blocksOfType } from "../output/blocks";
import { normalizeStacks, type SynthesizedStack } from "../output/stack";
import { CATALOG } from "../resources/catalog";
import { productionOf } from "../desired-state";

/** Where a securable is drawn or listed: its environment, in order (production first). */
export interface Place {
  readonly key: string;
  readonly prod: boolean;
  /** Shown by rank, then key: production 0, then the model's environments, the metastore last. */
  readonly rank: number;
}

/** Which environment a securable belongs to, and whether it is production. */
export interface Environments {
  of(securableType: string, securable: string): Place;
}

/** The place of the metastore and what else belongs to no one environment (external locations). */
export const SHARED = "metastore (shared)";

/**
 * Environments from the model (by catalog name, in the model's order). Without a model, from the
 * output: a catalog belongs to the stack that declares it (`databricks_catalog`), production being
 * the stacks whose name says prod (as the grants diff decides without a model), the others by name.
 * The metastore and other securables outside every catalog (external locations) are shared, shown last.
 */
export function environmentsOf(model: EnvironmentModel | undefined, stacks: readonly SynthesizedStack[] = []): Environments {
  const order = new Map<string, { key: string; rank: number; prod: boolean }>();
  if (model) {
    const production = productionOf(model).environment;
    model.environments.forEach((e, i) => order.set(e.catalog.name.toLowerCase(), { key: e.key, rank: e.key === production ? 0 : i + 1, prod: e.key === production }));
  } else {
    for (const s of normalizeStacks(stacks)) {
      for (const { body: block } of blocksOfType(s, CATALOG.type)) {
        if (typeof block.name !== "string" || order.has(block.name.toLowerCase())) continue;
        const prod = /prod/i.test(s.name);
        order.set(block.name.toLowerCase(), { key: s.name, rank: prod ? 0 : 1, prod });
      }
    }
  }
  const last = (model?.environments.length ?? 1) + 2;
  return {
    of(securableType, securable) {
      if (!IN_CATALOG.has(securableType)) return { key: SHARED, prod: false, rank: last };
      const catalog = securable.split(".")[0];
      const known = order.get(catalog.toLowerCase());
      return known ?? { key: `catalog ${catalog}`, prod: false, rank: last - 1 };
    },
  };
}

/** By rank, then key. */
export function comparePlaces(a: Place, b: Place): number {
  return a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
