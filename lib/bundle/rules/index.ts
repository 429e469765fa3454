/** Every rule of `bundle:check`, in the order findings are listed (README table, --help). */
import type { Rule } from "../rule";
import { resourceCatalog } from "./resource-catalog";
import { retiredPrincipal } from "./retired-principal";
import { servicePrincipalIdVariable } from "./service-principal-id";
import { sharedWorkspace } from "./shared-workspace";
import { targetCatalog } from "./target-catalog";
import { targetMode } from "./target-mode";
import { targetRunAs } from "./target-run-as";
import { targetUnknown } from "./target-unknown";
import { targetVariables } from "./target-variables";
import { targetWorkspace } from "./target-workspace";
import { variableOverride } from "./variable-override";
import { workflowAuth } from "./workflow-auth";
import { workflowHost } from "./workflow-host";
import { workflowOldDeploy } from "./workflow-old-deploy";
import { workflowTarget } from "./workflow-target";

export const RULES: readonly Rule[] = [
  targetUnknown,
  targetWorkspace,
  sharedWorkspace,
  targetMode,
  targetRunAs,
  targetCatalog,
  targetVariables,
  resourceCatalog,
  retiredPrincipal,
  servicePrincipalIdVariable,
  variableOverride,
  workflowOldDeploy,
  workflowTarget,
  workflowHost,
  workflowAuth,
];
