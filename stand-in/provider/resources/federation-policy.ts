import * as crypto from "crypto";
import type { ObjectValue, Value } from "../../protocol/values";
import type { WorkspaceFile } from "../../workspace/types";
import { ApiError, notFound } from "../errors";
import { requireAccount, str, uuid, type ResourceImpl } from "./common";

// databricks_service_principal_federation_policy: plugin framework,
// internal/providers/pluginfw/products/service_principal_federation_policy/. Account level; no
// `id`; imported by `service_principal_id,policy_id` (ImportState), read by both.
function policyKey(spId: Value, policyId: Value): string {
  return `${String(spId)}/${String(policyId)}`;
}

function policyState(ws: WorkspaceFile, key: string): ObjectValue {
  const p = ws.federationPolicies[key];
  if (!p) throw notFound(`Federation policy ${key} does not exist.`);
  const o = p.oidcPolicy;
  return {
    create_time: p.createTime,
    update_time: p.updateTime,
    description: p.description ?? null,
    name: `accounts/${ws.account.id}/servicePrincipals/${p.servicePrincipalId}/federationPolicies/${p.policyId}`,
    oidc_policy: {
      audiences: o.audiences ? [...o.audiences] : null,
      issuer: o.issuer ?? null,
      jwks_json: o.jwksJson ?? null,
      jwks_uri: o.jwksUri ?? null,
      subject: o.subject ?? null,
      subject_claim: o.subjectClaim ?? null,
    },
    policy_id: p.policyId,
    service_principal_id: Number(p.servicePrincipalId),
    uid: p.uid,
  };
}

function oidcFrom(v: Value) {
  const o = (v && typeof v === "object" && !Array.isArray(v) ? v : {}) as ObjectValue;
  return {
    ...(str(o.issuer) ? { issuer: str(o.issuer) } : {}),
    ...(str(o.subject) ? { subject: str(o.subject) } : {}),
    ...(str(o.subject_claim) ? { subjectClaim: str(o.subject_claim) } : {}),
    ...(Array.isArray(o.audiences) ? { audiences: o.audiences.map(String) } : {}),
    ...(str(o.jwks_json) ? { jwksJson: str(o.jwks_json) } : {}),
    ...(str(o.jwks_uri) ? { jwksUri: str(o.jwks_uri) } : {}),
  };
}

export const federationPolicy: ResourceImpl = {
  scope: "account",
  read(ws, _t, state) {
    return policyState(ws, policyKey(state.service_principal_id, state.policy_id));
  },
  create(ws, t, p) {
    requireAccount(t);
    const spId = String(p.service_principal_id);
    if (!ws.servicePrincipals[spId]) throw notFound(`Service principal ${spId} does not exist.`);
    const policyId = str(p.policy_id) ?? crypto.randomBytes(8).toString("hex");
    const key = policyKey(spId, policyId);
    if (ws.federationPolicies[key]) throw new ApiError(`Federation policy ${policyId} already exists.`);
    const time = new Date().toISOString();
    ws.federationPolicies[key] = {
      servicePrincipalId: spId,
      policyId,
      uid: uuid(),
      ...(str(p.description) ? { description: str(p.description) } : {}),
      oidcPolicy: oidcFrom(p.oidc_policy),
      createTime: time,
      updateTime: time,
    };
    return policyState(ws, key);
  },
  update(ws, _t, prior, p) {
    const key = policyKey(prior.service_principal_id, prior.policy_id);
    const policy = ws.federationPolicies[key];
    if (!policy) throw notFound(`Federation policy ${key} does not exist.`);
    // update_mask "description,oidc_policy".
    if (str(p.description)) policy.description = str(p.description);
    else delete policy.description;
    policy.oidcPolicy = oidcFrom(p.oidc_policy);
    policy.updateTime = new Date().toISOString();
    return policyState(ws, key);
  },
  delete(ws, _t, prior) {
    delete ws.federationPolicies[policyKey(prior.service_principal_id, prior.policy_id)];
  },
  importState(id) {
    const parts = id.split(",");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new ApiError(`Unexpected Import Identifier: Expected import identifier with format: service_principal_id,policy_id. Got: ${JSON.stringify(id)}`);
    }
    const spId = Number(parts[0]);
    if (!Number.isSafeInteger(spId)) throw new ApiError(`Failed to parse import identifier: strconv.ParseInt: parsing ${JSON.stringify(parts[0])}: invalid syntax`);
    return { service_principal_id: spId, policy_id: parts[1] };
  },
};
