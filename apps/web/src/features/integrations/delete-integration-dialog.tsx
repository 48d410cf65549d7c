"use client";

import { ConfirmDialog } from "../../ui/confirm.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { countDeployments } from "./forms.ts";

/**
 * Delete an integration: the confirmation says what the server does (undeploys every deployment
 * first), and once done the dialog reports how many it undeployed.
 */
export function DeleteIntegrationDialog({
  integration,
  busy = false,
  error,
  result,
  onConfirm,
  onClose,
}: {
  /** The integration to delete; null closes the dialog. */
  integration: { id: string; name: string } | null;
  busy?: boolean;
  error?: unknown;
  /** What integrations.delete answered; set once it is done. */
  result: { undeployed: number } | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const name = integration?.name ?? "";
  if (result)
    return (
      <Dialog open={integration !== null} title="Integration deleted" onClose={onClose}>
        <p role="status">
          “{name}” was deleted.{" "}
          {result.undeployed === 0
            ? "It had no deployments to undeploy."
            : `${countDeployments(result.undeployed)} ${result.undeployed === 1 ? "was" : "were"} undeployed first.`}
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  return (
    <ConfirmDialog
      open={integration !== null}
      title={`Delete “${name}”?`}
      confirmLabel="Undeploy and delete"
      busy={busy}
      {...(error ? { error } : {})}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <p>
        This first <strong>undeploys every deployment</strong> of “{name}” (and stops its editor runs), then
        deletes it together with its versions and its folder membership. It cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
