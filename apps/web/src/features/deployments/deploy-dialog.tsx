"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type JSX, useEffect, useState } from "react";
import { useTRPC } from "../../trpc/client.tsx";
import { DeployDialogView } from "./deploy-dialog-view.tsx";
import {
  type DeployFormState,
  initialDeployForm,
  type SlugCheck,
  selectedVersionId,
  slugResultOf,
} from "./deploy-form.ts";
import { useDebouncedValue } from "./use-debounced-value.ts";

/** How long typing must pause before the slug is checked. */
const SLUG_CHECK_DELAY_MS = 300;

/** Deploys a version of an integration: wires the dialog's view to the API. */
export function DeployDialog(props: {
  integrationId: string;
  integrationName: string;
  open: boolean;
  onClose: () => void;
  onDeployed?: (deployment: { id: string }) => void;
}): JSX.Element {
  const { integrationId, open, onClose, onDeployed } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<DeployFormState>(initialDeployForm);

  const versions = useQuery(trpc.versions.list.queryOptions({ integrationId }, { enabled: open }));
  const versionId = selectedVersionId(form, versions.data);
  const options = useQuery(
    trpc.deployments.options.queryOptions(
      open && versionId !== "" ? { integrationId, versionId } : skipToken,
    ),
  );
  const networked = options.data?.networked === true;

  // The typed slug is checked once typing pauses; a blank or untouched one needs no check.
  const typedSlug = form.slug !== null && form.slug.trim() !== "" ? form.slug : undefined;
  const settledSlug = useDebouncedValue(typedSlug, SLUG_CHECK_DELAY_MS);
  const checkSlug =
    open && networked && versionId !== "" && settledSlug !== undefined && settledSlug === typedSlug;
  const slugQuery = useQuery(
    trpc.deployments.options.queryOptions(
      checkSlug ? { integrationId, versionId, slug: settledSlug } : skipToken,
      // Availability changes as others deploy: ask again rather than trust an old answer.
      { staleTime: 0 },
    ),
  );
  const slugCheck: SlugCheck | undefined =
    checkSlug && settledSlug !== undefined
      ? { slug: settledSlug, result: slugResultOf(slugQuery.data), error: slugQuery.error }
      : undefined;

  const secrets = useQuery(trpc.secrets.list.queryOptions(undefined, { enabled: open }));

  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (deployment) => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        onDeployed?.({ id: deployment.id });
        onClose();
      },
    }),
  );

  // Every opening starts from a clean form.
  const resetCreate = create.reset;
  useEffect(() => {
    if (open) {
      setForm(initialDeployForm());
      resetCreate();
    }
  }, [open, resetCreate]);

  return (
    <DeployDialogView
      open={open}
      integrationId={integrationId}
      integrationName={props.integrationName}
      form={form}
      onFormChange={setForm}
      versions={versions.data}
      versionsError={versions.error}
      options={options.data}
      optionsError={options.error}
      slugCheck={slugCheck}
      secretNames={secrets.data?.map((s) => s.name)}
      secretsError={secrets.error}
      busy={create.isPending}
      error={create.error}
      onDeploy={(input) => create.mutate(input)}
      onClose={onClose}
    />
  );
}
