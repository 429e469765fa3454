import { text } from "../../output/stack";
import type { GateContext } from "../context";
import type { GateBlock, Rule } from "./rule";

/** Provider attributes that hold credentials (token, password, client_secret, google_credentials, ...). */
const SECRET_ATTRIBUTE = /(^|_)(token|password|secret|credentials)$/;
const SECRET_VALUES: readonly (readonly [RegExp, string])[] = [
  [/dapi[0-9a-f]{32}/, "a Databricks personal access token"],
  [/dose[0-9a-f]{32}/, "a Databricks OAuth secret"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, "a JSON web token"],
];

/** Enough of a secret to recognise it, never enough to use it. */
function redact(value: unknown): string {
  const shown = text(value);
  return shown.length <= 4 ? "…" : `${shown.slice(0, 4)}…`;
}

const isObject = (v: unknown): v is { readonly [key: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);

/** No credential in the configuration: it would end up in plans and state. */
export const providerSecret = {
  id: "provider-secret",
  forbids: "a credential in the configuration: a secret-named provider attribute, or a token- or key-shaped value anywhere",
  fix: "remove it (and revoke it); people use their CLI profile, CI signs in through OIDC",
  kind: "invariant",
  leaf: (gate: GateContext, stack: string, block: GateBlock, path: readonly string[], value: string) => {
    const shaped = SECRET_VALUES.find(([re]) => re.test(value));
    if (!shaped) return false;
    gate.claim(stack, block.address, path[0] ?? "");
    gate.push("provider-secret", {
      stack,
      resource: block.address,
      problem: `${path.join(".")} holds what looks like ${shaped[1]} (${redact(value)}); a credential in the configuration ends up in plans and state`,
      fix: "remove it and revoke it; people use their CLI profile and CI signs in through OIDC (DATABRICKS_* variables)",
    });
    return true;
  },
  block: (gate: GateContext, stack: string, block: GateBlock) => {
    if (block.kind !== "provider" || !isObject(block.body)) return;
    for (const [attr, value] of Object.entries(block.body)) {
      if (!SECRET_ATTRIBUTE.test(attr) || value === "" || value === null || value === false || gate.isClaimed(stack, block.address, attr)) continue;
      gate.claim(stack, block.address, attr);
      gate.push("provider-secret", {
        stack,
        resource: block.address,
        problem: `${attr} is set (${redact(value)}): a credential in the configuration ends up in plans and state`,
        fix: `remove ${attr}; people use their CLI profile and CI signs in through OIDC (DATABRICKS_* variables)`,
      });
    }
  },
} as const satisfies Rule;
