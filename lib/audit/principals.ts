/**
 * The live principals: service principals by application ID and display name, learnt from the
 * workspaces, resolved to the names the model gives them (a look-alike display name never passes
 * for a deploying principal).
 */
import { UUID } from "../model/load";
import type { EnvironmentModel } from "../model/types";
import type { PrincipalKind } from "../output/references";
import { principalLabels } from "../review/report";
import type { ExpectedState } from "./expected";

export interface LivePrincipal {
  /** The name the model would give it (for the allow-list and the declared grants). */
  readonly key: string;
  /** As a reader names it. */
  readonly label: string;
  readonly kind: PrincipalKind;
}

/**
 * Service principals by application ID and display name, learnt from the workspaces. A display name
 * that two principals share is never resolved: a look-alike principal must not pass for a deploying
 * one, so each is then shown as `name (application ID)` and allowed nothing.
 */
export class PrincipalDirectory {
  private readonly nameOfId = new Map<string, string>();
  private readonly idsOfName = new Map<string, Set<string>>();
  /** Application IDs the model names directly (the plan principal, retired principals). */
  private readonly declaredIds: Set<string>;
  private readonly modelLabel: (principal: string) => string;

  constructor(model: EnvironmentModel, expected: ExpectedState, live: readonly { applicationId: string; displayName: string }[]) {
    for (const sp of live) {
      const id = sp.applicationId.toLowerCase();
      this.nameOfId.set(id, sp.displayName);
      this.idsOfName.set(sp.displayName, (this.idsOfName.get(sp.displayName) ?? new Set()).add(id));
    }
    this.declaredIds = new Set(expected.grants.filter((g) => g.principalKind === "service_principal" && UUID.test(g.principal)).map((g) => g.principal));
    this.modelLabel = principalLabels(model);
  }

  /** The application ID of a service principal the model names by display name, if exactly one has it. */
  idOf(displayName: string): string | undefined {
    const ids = this.idsOfName.get(displayName);
    return ids && ids.size === 1 ? [...ids][0] : undefined;
  }

  /** A principal as the API names it (group or user name, or application ID). */
  resolve(principal: string): LivePrincipal {
    const id = principal.toLowerCase();
    if (UUID.test(id)) {
      // A principal the model names by application ID (plan, retired) keeps it: that is how it is allowed.
      if (this.declaredIds.has(id) || this.modelLabel(id) !== id) return { key: id, label: this.label(id), kind: "service_principal" };
      const name = this.nameOfId.get(id);
      if (name === undefined) return { key: id, label: this.label(id), kind: "service_principal" };
      if (this.idsOfName.get(name)!.size > 1) return { key: `${name} (${id})`, label: `${name} (${id}; ${this.idsOfName.get(name)!.size} principals share this name)`, kind: "service_principal" };
      return { key: name, label: name, kind: "service_principal" };
    }
    return { key: principal, label: principal, kind: principal.includes("@") ? "user" : "group" };
  }

  /** A principal the model names (display name or application ID), as a reader names it. */
  label(principal: string): string {
    const named = this.modelLabel(principal);
    if (named !== principal) return named;
    return this.nameOfId.get(principal.toLowerCase()) ?? principal;
  }
}

