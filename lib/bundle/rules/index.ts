/** Every rule of `bundle:check`, in the order findings are listed (README table, --help). */
import type { Rule } from "../rule";
import { bundleCode } from "./bundle-code";
import { bundleSetting } from "./bundle-setting";
import { localState } from "./local-state";
import { resourceCatalog } from "./resource-catalog";
import { resourceGrants } from "./resource-grants";
import { resourcePermissions } from "./resource-permissions";
import { resourceRunAs } from "./resource-run-as";
import { resourceType } from "./resource-type";
import { retiredPrincipal } from "./retired-principal";
import { servicePrincipalIdVariable } from "./service-principal-id";
import { sharedWorkspace } from "./shared-workspace";
import { sourceCatalog } from "./source-catalog";
import { sourceUnreadable } from "./source-unreadable";
import { targetAuth } from "./target-auth";
import { targetCatalog } from "./target-catalog";
import { targetMode } from "./target-mode";
import { targetPaths } from "./target-paths";
import { targetRunAs } from "./target-run-as";
import { targetUnknown } from "./target-unknown";
import { targetVariables } from "./target-variables";
import { targetWorkspace } from "./target-workspace";
import { variableOverride } from "./variable-override";
import { workflowAudience } from "./workflow-audience";
import { workflowAuth } from "./workflow-auth";
import { workflowCommand } from "./workflow-command";
import { workflowEnv } from "./workflow-env";
import { workflowHost } from "./workflow-host";
import { workflowOldDeploy } from "./workflow-old-deploy";
import { workflowTarget } from "./workflow-target";
import { workflowUnreadable } from "./workflow-unreadable";

export const RULES: readonly Rule[] = [
  targetUnknown,
  targetWorkspace,
  targetAuth,
  targetPaths,
  sharedWorkspace,
  targetMode,
  targetRunAs,
  targetCatalog,
  targetVariables,
  bundleCode,
  bundleSetting,
  localState,
  resourceType,
  resourceRunAs,
  resourcePermissions,
  resourceGrants,
  resourceCatalog,
  sourceCatalog,
  sourceUnreadable,
  retiredPrincipal,
  servicePrincipalIdVariable,
  variableOverride,
  workflowOldDeploy,
  workflowTarget,
  workflowHost,
  workflowAuth,
  workflowAudience,
  workflowEnv,
  workflowUnreadable,
  workflowCommand,
];
