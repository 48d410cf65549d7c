"use client";

import { type FormEvent, useId } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { ErrorNote, errorMessage, Loading } from "../../ui/states.tsx";
import {
  baseDomainOf,
  bindableVars,
  buildCreateInput,
  choiceFor,
  type DeployFormState,
  deployProblems,
  type EnvChoice,
  effectiveSlug,
  exposedUrl,
  internalServiceName,
  MAX_REPLICAS,
  MIN_REPLICAS,
  managedVars,
  parseReplicas,
  type SlugCheck,
  type SlugState,
  selectedVersionId,
  slugState,
} from "./deploy-form.ts";
import styles from "./deployments.module.css";
import type { CreateDeploymentInput, DeclaredVar, DeployOptions, VersionSummary } from "./types.ts";

export interface DeployDialogViewProps {
  open: boolean;
  integrationId: string;
  integrationName: string;
  form: DeployFormState;
  onFormChange: (form: DeployFormState) => void;
  /** undefined while loading. */
  versions: readonly VersionSummary[] | undefined;
  versionsError?: unknown;
  /** deployments.options for the selected version; undefined while loading. */
  options: DeployOptions | undefined;
  optionsError?: unknown;
  /** The latest check of the typed slug (undefined while none answered for it yet). */
  slugCheck: SlugCheck | undefined;
  /** Cluster secret names to bind to; undefined while loading. */
  secretNames: readonly string[] | undefined;
  secretsError?: unknown;
  busy: boolean;
  /** The create call's error, shown as the API's message. */
  error?: unknown;
  onDeploy: (input: CreateDeploymentInput) => void;
  onClose: () => void;
}

/** The deploy dialog, data and callbacks only: the rules are deploy-form.ts, the wiring deploy-dialog.tsx. */
export function DeployDialogView(props: DeployDialogViewProps) {
  const { form, onFormChange, versions, options } = props;
  const ids = useId();
  const versionId = selectedVersionId(form, versions);
  const slug = slugState(form, options, props.slugCheck);
  const context = { form, versionId, options, slug };
  const problems = deployProblems(context);
  const input = buildCreateInput(props.integrationId, context);
  const replicasValid = parseReplicas(form.replicas) !== undefined;
  const noVersions = versions !== undefined && versions.length === 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input && !props.busy) props.onDeploy(input);
  };
  const setEnv = (name: string, choice: EnvChoice) =>
    onFormChange({ ...form, env: { ...form.env, [name]: choice } });

  return (
    <Dialog open={props.open} title={`Deploy ${props.integrationName}`} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        {props.versionsError ? <ErrorNote error={props.versionsError} title="Versions" /> : null}
        {versions === undefined && !props.versionsError ? <Loading label="Loading versions…" /> : null}
        {noVersions ? (
          <p className="note note-warn" role="status">
            This integration has no versions. Tag a version first, then deploy it.
          </p>
        ) : null}
        {versions && versions.length > 0 ? (
          <>
            <label htmlFor={`${ids}-version`}>Version</label>
            <select
              id={`${ids}-version`}
              value={versionId}
              onChange={(e) => onFormChange({ ...form, versionId: e.target.value })}
            >
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.tag}
                </option>
              ))}
            </select>
          </>
        ) : null}

        <label htmlFor={`${ids}-replicas`}>Replicas</label>
        <input
          id={`${ids}-replicas`}
          type="number"
          inputMode="numeric"
          min={MIN_REPLICAS}
          max={MAX_REPLICAS}
          step={1}
          value={form.replicas}
          aria-invalid={!replicasValid}
          aria-describedby={`${ids}-replicas-hint`}
          onChange={(e) => onFormChange({ ...form, replicas: e.target.value })}
        />
        <p id={`${ids}-replicas-hint`} className={replicasValid ? "field-hint" : "field-error"}>
          A whole number from {MIN_REPLICAS} to {MAX_REPLICAS}.
        </p>

        {props.optionsError ? <ErrorNote error={props.optionsError} title="This version" /> : null}
        {versionId !== "" && !options && !props.optionsError ? (
          <Loading label="Reading the version…" />
        ) : null}
        {options ? (
          <>
            <AddressSection ids={ids} form={form} options={options} slug={slug} onFormChange={onFormChange} />
            <EnvSection
              options={options}
              form={form}
              secretNames={props.secretNames}
              secretsError={props.secretsError}
              onChoice={setEnv}
            />
          </>
        ) : null}

        {props.error ? <ErrorNote error={props.error} /> : null}
        {problems.length > 0 && !noVersions ? (
          <ul className={`field-hint ${styles.problems}`} aria-label="Before deploying">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <DialogActions
          onCancel={props.onClose}
          label="Deploy"
          busyLabel="Deploying…"
          busy={props.busy}
          disabled={!input}
        />
      </form>
    </Dialog>
  );
}

function slugMessage(slug: SlugState): { text: string; error: boolean } | undefined {
  switch (slug.kind) {
    case "none":
      return undefined;
    case "suggested":
      return { text: `${slug.slug} is available`, error: false };
    case "auto":
      return { text: `Left blank: a free slug is chosen when deploying (now ${slug.slug}).`, error: false };
    case "checking":
      return { text: "Checking…", error: false };
    case "available":
      return { text: `${slug.slug} is available`, error: false };
    case "taken":
      return { text: `${slug.slug} is taken`, error: true };
    case "invalid":
      return { text: "Not a valid slug: use letters, digits and dashes.", error: true };
    case "error":
      return { text: `Couldn't check the slug: ${errorMessage(slug.error)}`, error: true };
  }
}

function AddressSection({
  ids,
  form,
  options,
  slug,
  onFormChange,
}: {
  ids: string;
  form: DeployFormState;
  options: DeployOptions;
  slug: SlugState;
  onFormChange: (form: DeployFormState) => void;
}) {
  if (!options.networked)
    return (
      <p className="field-hint">
        This version declares no HTTP_PORT: it runs as an internal workload with no address.
      </p>
    );
  const message = slugMessage(slug);
  const current = effectiveSlug(slug);
  const suggested = "slug" in options ? options.slug : "";
  const baseDomain = baseDomainOf(options);
  return (
    <fieldset className={styles.section}>
      <legend>Address</legend>
      <label htmlFor={`${ids}-slug`}>Slug</label>
      <input
        id={`${ids}-slug`}
        className={styles.wide}
        value={form.slug ?? suggested}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={message?.error ?? false}
        aria-describedby={`${ids}-slug-status ${ids}-slug-hint`}
        onChange={(e) => onFormChange({ ...form, slug: e.target.value })}
      />
      <p
        id={`${ids}-slug-status`}
        className={message?.error ? "field-error" : "field-hint"}
        aria-live="polite"
      >
        {message?.text}
      </p>
      <p id={`${ids}-slug-hint`} className="field-hint">
        {current ? (
          <>
            In-cluster service: <span className={styles.mono}>{internalServiceName(current)}</span>
          </>
        ) : null}
      </p>
      <label className={styles.inline}>
        <input
          type="checkbox"
          checked={form.expose && baseDomain !== null}
          disabled={baseDomain === null}
          aria-describedby={`${ids}-expose-hint`}
          onChange={(e) => onFormChange({ ...form, expose: e.target.checked })}
        />
        Expose externally
      </label>
      <p id={`${ids}-expose-hint`} className="field-hint">
        {baseDomain === null ? (
          "Exposing needs BASE_DOMAIN on the orchestrator"
        ) : form.expose ? (
          <>
            Reachable at <span className={styles.mono}>{exposedUrl(current ?? "<slug>", baseDomain)}</span>
          </>
        ) : null}
      </p>
    </fieldset>
  );
}

function EnvSection({
  options,
  form,
  secretNames,
  secretsError,
  onChoice,
}: {
  options: DeployOptions;
  form: DeployFormState;
  secretNames: readonly string[] | undefined;
  secretsError: unknown;
  onChoice: (name: string, choice: EnvChoice) => void;
}) {
  const bindable = bindableVars(options);
  const managed = managedVars(options);
  return (
    <fieldset className={styles.section}>
      <legend>Environment</legend>
      {bindable.length === 0 && managed.length === 0 ? (
        <p className="field-hint">This version declares no environment variables.</p>
      ) : (
        <ul className={styles.envList}>
          {bindable.map((v) => (
            <li key={v.name}>
              <EnvVarRow
                variable={v}
                choice={choiceFor(form, v)}
                secretNames={secretNames}
                secretsError={secretsError}
                onChoice={(choice) => onChoice(v.name, choice)}
              />
            </li>
          ))}
          {managed.map((name) => (
            <li key={name}>
              <fieldset className={styles.envVar} disabled>
                <legend>{name}</legend>
                <p className="field-hint">Managed by the platform: set on every replica, cannot be bound.</p>
              </fieldset>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

function EnvVarRow({
  variable,
  choice,
  secretNames,
  secretsError,
  onChoice,
}: {
  variable: DeclaredVar;
  choice: EnvChoice;
  secretNames: readonly string[] | undefined;
  secretsError: unknown;
  onChoice: (choice: EnvChoice) => void;
}) {
  const name = variable.name;
  const missingSecret =
    choice.mode === "secret" && choice.secret !== "" && secretNames && !secretNames.includes(choice.secret);
  return (
    <fieldset className={styles.envVar}>
      <legend>
        {name}
        {variable.required ? <span className={`badge ${styles.required}`}>required</span> : null}
      </legend>
      {variable.description ? <p className="field-hint">{variable.description}</p> : null}
      <div className={styles.modes}>
        <label className={styles.inline}>
          <input
            type="radio"
            name={`mode-${name}`}
            checked={choice.mode === "value"}
            onChange={() => onChoice({ mode: "value", value: "" })}
          />
          Value
        </label>
        <label className={styles.inline}>
          <input
            type="radio"
            name={`mode-${name}`}
            checked={choice.mode === "secret"}
            onChange={() => onChoice({ mode: "secret", secret: "" })}
          />
          Secret
        </label>
      </div>
      {choice.mode === "value" ? (
        <input
          className={styles.wide}
          aria-label={`${name} value`}
          type={variable.secret ? "password" : "text"}
          autoComplete="off"
          value={choice.value}
          onChange={(e) => onChoice({ mode: "value", value: e.target.value })}
        />
      ) : (
        <>
          <select
            className={styles.wide}
            aria-label={`${name} secret`}
            value={choice.secret}
            onChange={(e) => onChoice({ mode: "secret", secret: e.target.value })}
          >
            <option value="">Choose a secret…</option>
            {missingSecret ? <option value={choice.secret}>{choice.secret} (missing)</option> : null}
            {(secretNames ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {secretsError ? <ErrorNote error={secretsError} title="Secrets" /> : null}
          {secretNames && secretNames.length === 0 ? (
            <p className="field-hint">No cluster secrets yet; an admin adds them on the Secrets page.</p>
          ) : null}
        </>
      )}
      {variable.default !== undefined ? (
        <p className="field-hint">
          Default {variable.secret ? "(hidden)" : <span className={styles.mono}>{variable.default}</span>}
          {variable.required
            ? " — does not count as a binding for a required var."
            : " — used when left empty."}
        </p>
      ) : null}
    </fieldset>
  );
}
