// Regenerates packages/k8s/manifests/ from the renderers:
//   node packages/k8s/src/render/write-manifests.ts
// (rbac.test.ts fails while the checked-in file differs from the rendered output).
import { writeFileSync } from "node:fs";
import { renderRbacYaml } from "./rbac.ts";

export const RBAC_MANIFEST = new URL("../../manifests/rbac.yaml", import.meta.url);

if (import.meta.main) writeFileSync(RBAC_MANIFEST, renderRbacYaml());
