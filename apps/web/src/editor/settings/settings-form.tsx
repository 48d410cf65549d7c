"use client";

import {
  type ChangeEvent,
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { type CelCheck, type CelCheckResult, CelInput } from "../cel/cel-input.tsx";
import {
  convertVariantValue,
  DURATION_EXAMPLES,
  envRef,
  envRefName,
  type FieldDescriptor,
  fieldsOf,
  isEmptyValue,
  isVisible,
  type JsonSchema,
  problemsOf,
  unknownKeys,
  variantIndexOf,
  withKey,
} from "./field-model.ts";
import styles from "./settings-form.module.css";

export type { JsonSchema };

export interface SettingsContext {
  /** Connectors declared in the file. */
  connectors: readonly { name: string; type: string }[];
  /** Flow names of the file. */
  flows: readonly string[];
  /** Env vars declared in the file (`env:`), offered for `${NAME}` values. */
  envVars: readonly string[];
  /** Variables a CEL expression here may use besides the message's (passed to checkCel). */
  celVariables?: readonly string[];
  /** The runtime's CEL check; without it CEL fields are only highlighted. */
  checkCel?: (expression: string, variables: readonly string[]) => Promise<CelCheckResult>;
}

export interface SettingsFormProps {
  /** Prefix of every control's id (unique on the page). */
  idPrefix: string;
  /** An object schema: a block's or connector's `settings`, a source's, or a composite block's fields. */
  schema: JsonSchema;
  value: Record<string, unknown> | undefined;
  /** Receives a new object: emptied fields removed, keys the schema does not know kept as they were. */
  onChange(value: Record<string, unknown>): void;
  context: SettingsContext;
  readOnly?: boolean;
  /** The runtime's validation messages by field name (`retry.maxDelay` for nested fields). */
  errors?: Readonly<Record<string, string>>;
}

interface FormEnvironment {
  readonly context: SettingsContext;
  readonly readOnly: boolean;
  readonly checkCel: CelCheck | undefined;
}

const FormEnvironmentContext = createContext<FormEnvironment>({
  context: { connectors: [], flows: [], envVars: [] },
  readOnly: false,
  checkCel: undefined,
});

type Errors = Readonly<Record<string, string>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The errors below `name` (`retry.maxDelay` → `maxDelay` for the retry object). */
function errorsBelow(errors: Errors | undefined, name: string): Errors | undefined {
  if (!errors) return undefined;
  const prefix = `${name}.`;
  const below = Object.entries(errors)
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, message]) => [key.slice(prefix.length), message] as const);
  return below.length > 0 ? Object.fromEntries(below) : undefined;
}

/** The runtime's messages for a field that shows its own (not nested) errors: its own and any below it. */
function ownErrors(errors: Errors | undefined, field: FieldDescriptor): string[] {
  if (!errors) return [];
  const own = errors[field.name] !== undefined ? [errors[field.name] as string] : [];
  if (field.kind === "object") return own;
  const below = Object.entries(errorsBelow(errors, field.name) ?? {}).map(
    ([key, message]) => `${key}: ${message}`,
  );
  return [...own, ...below];
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function placeholderOf(field: FieldDescriptor): string | undefined {
  return field.default === undefined || field.default === "" || typeof field.default === "object"
    ? undefined
    : String(field.default);
}

/**
 * A settings form generated from a JSON Schema: one labelled widget per field. Scopes (nested
 * flows) are not here: the canvas edits them.
 */
export function SettingsForm(props: SettingsFormProps) {
  const { idPrefix, schema, value, onChange, context, readOnly = false, errors } = props;
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const { checkCel, celVariables } = context;
  // One stable checker per variable set, so CEL fields re-check only when the scope changes.
  const variablesKey = (celVariables ?? []).join("\u0000");
  const check = useCallback<CelCheck>(
    (expression) =>
      checkCel ? checkCel(expression, celVariables ?? []) : Promise.resolve({ ok: true, errors: [] }),
    [checkCel, variablesKey],
  );
  const environment = useMemo<FormEnvironment>(
    () => ({ context, readOnly, checkCel: checkCel ? check : undefined }),
    [context, readOnly, checkCel, check],
  );
  return (
    <FormEnvironmentContext.Provider value={environment}>
      <div className={styles.form}>
        {fields.length === 0 ? <p className="muted">Nothing to set here.</p> : null}
        <ObjectFields
          idPrefix={idPrefix}
          fields={fields}
          value={value ?? {}}
          onChange={onChange}
          {...(errors ? { errors } : {})}
        />
      </div>
    </FormEnvironmentContext.Provider>
  );
}

function ObjectFields(props: {
  idPrefix: string;
  fields: readonly FieldDescriptor[];
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
  errors?: Errors;
  /** The object itself is not set: its required fields are required only once it is. */
  absent?: boolean;
}) {
  const { idPrefix, fields, value, onChange, errors, absent = false } = props;
  const others = unknownKeys(fields, value);
  return (
    <>
      {fields
        .filter((field) => isVisible(field, value))
        .map((field) => {
          const below = field.kind === "object" ? errorsBelow(errors, field.name) : undefined;
          return (
            <Field
              key={field.name}
              id={`${idPrefix}-${field.name}`}
              field={field}
              value={value[field.name]}
              onChange={(next) => onChange(withKey(value, field.name, next))}
              messages={ownErrors(errors, field)}
              hintRequired={!absent}
              {...(below ? { nestedErrors: below } : {})}
            />
          );
        })}
      {others.length > 0 ? (
        <p className="field-hint">Also set, kept as written: {others.join(", ")}</p>
      ) : null}
    </>
  );
}

interface FieldProps {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  /** undefined removes the key. */
  onChange(value: unknown): void;
  /** The runtime's messages for this field. */
  messages: readonly string[];
  nestedErrors?: Errors;
  /** Whether an empty required field gets the "required" hint (not inside an absent object). */
  hintRequired?: boolean;
}

function RequiredMark({ field }: { field: FieldDescriptor }) {
  return field.required ? (
    <span className={styles.required} title="required">
      <span aria-hidden="true">*</span>
      <span className={styles.visuallyHidden}>(required)</span>
    </span>
  ) : null;
}

function Messages({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div id={id}>
      {messages.map((message, index) => (
        <p key={`${index}-${message}`} className="field-error">
          {message}
        </p>
      ))}
    </div>
  );
}

/** Kinds drawn as a fieldset (several controls); the others have one labelled control. */
const GROUP_KINDS = new Set(["string-list", "cel-list", "map", "object", "alternatives"]);

function Field({ id, field, value, onChange, messages, nestedErrors, hintRequired = true }: FieldProps) {
  const { readOnly } = useContext(FormEnvironmentContext);
  const hinted = hintRequired ? field : { ...field, required: false };
  // An alternative's chosen variant hints its own value; the group only says what fits none.
  const hints =
    field.kind === "alternatives" && variantIndexOf(field, value) !== undefined
      ? []
      : problemsOf(hinted, value);
  const allMessages = [...messages, ...hints];
  const hintId = field.description ? `${id}-hint` : undefined;
  const formatId = field.kind === "duration" ? `${id}-format` : undefined;
  const errorId = allMessages.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, formatId, errorId].filter(Boolean).join(" ") || undefined;

  const envName = envRefName(value);
  const [envChosen, setEnvChosen] = useState(envName !== undefined);
  const envMode = field.envAllowed && (envChosen || envName !== undefined);
  const toggleEnv = () => {
    if (envMode) {
      setEnvChosen(false);
      // The literal editor cannot show ${NAME} (a number, a checkbox): start it empty.
      if (envName !== undefined) onChange(undefined);
    } else setEnvChosen(true);
  };
  const envToggle = field.envAllowed ? (
    <button
      type="button"
      className={styles.envToggle}
      aria-pressed={envMode}
      aria-label={`Env var for ${field.label}`}
      onClick={toggleEnv}
      disabled={readOnly}
    >
      Env var
    </button>
  ) : null;
  const hint = field.description ? (
    <p id={hintId} className="field-hint">
      {field.description}
    </p>
  ) : null;

  if (GROUP_KINDS.has(field.kind)) {
    return (
      <fieldset className={styles.group} aria-describedby={describedBy}>
        <legend>
          {field.label} <RequiredMark field={field} />
        </legend>
        {hint}
        <GroupControl id={id} field={field} value={value} onChange={onChange} nestedErrors={nestedErrors} />
        <Messages id={`${id}-error`} messages={allMessages} />
      </fieldset>
    );
  }

  const labelId = `${id}-label`;
  const control = envMode ? (
    <EnvSelect id={id} value={envName} onChange={onChange} describedBy={describedBy} />
  ) : (
    <ScalarControl
      id={id}
      field={field}
      value={value}
      onChange={onChange}
      labelledBy={labelId}
      {...(describedBy ? { describedBy } : {})}
    />
  );
  if (field.kind === "boolean" && !envMode) {
    return (
      <div className={styles.field}>
        <div className={styles.checkRow}>
          {control}
          <label id={labelId} htmlFor={id}>
            {field.label}
          </label>
          <RequiredMark field={field} />
          {envToggle}
        </div>
        {hint}
        <Messages id={`${id}-error`} messages={allMessages} />
      </div>
    );
  }
  return (
    <div className={styles.field}>
      <div className={styles.labelRow}>
        <label id={labelId} htmlFor={id}>
          {field.label}
        </label>
        <RequiredMark field={field} />
        {envToggle}
      </div>
      {control}
      {formatId ? (
        <p id={formatId} className="field-hint">
          A duration, e.g. {DURATION_EXAMPLES}
        </p>
      ) : null}
      {hint}
      <Messages id={`${id}-error`} messages={allMessages} />
    </div>
  );
}

function EnvSelect(props: {
  id: string;
  value: string | undefined;
  onChange(value: unknown): void;
  describedBy: string | undefined;
}) {
  const { context, readOnly } = useContext(FormEnvironmentContext);
  const { id, value, onChange, describedBy } = props;
  const missing = value !== undefined && !context.envVars.includes(value);
  return (
    <select
      id={id}
      className={styles.control}
      value={value ?? ""}
      disabled={readOnly}
      aria-describedby={describedBy}
      onChange={(e) => onChange(e.target.value === "" ? undefined : envRef(e.target.value))}
    >
      <option value="">{context.envVars.length > 0 ? "Choose an env var…" : "No env vars declared"}</option>
      {missing ? <option value={value}>(missing) {value}</option> : null}
      {context.envVars.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

interface ScalarControlProps {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  onChange(value: unknown): void;
  /** A visible label's id (CEL editors are named through it). */
  labelledBy?: string;
  /** A name for controls without a visible label (list rows). */
  ariaLabel?: string;
  describedBy?: string;
}

/** The one control of a single-valued field: text, number, checkbox, select or CEL editor. */
function ScalarControl({
  id,
  field,
  value,
  onChange,
  labelledBy,
  ariaLabel,
  describedBy,
}: ScalarControlProps) {
  const { context, readOnly, checkCel } = useContext(FormEnvironmentContext);
  const placeholder = placeholderOf(field);
  const common = {
    id,
    disabled: readOnly,
    "aria-describedby": describedBy,
    "aria-label": ariaLabel,
    "aria-required": field.required || undefined,
  };
  const setText = (text: string) => onChange(text === "" ? undefined : text);

  switch (field.kind) {
    case "boolean": {
      const effective = typeof value === "boolean" ? value : field.default === true;
      return (
        <input
          {...common}
          type="checkbox"
          checked={effective}
          // Back at the default (or off with none) means unset: the key goes.
          onChange={(e) =>
            onChange(e.target.checked === (field.default === true) ? undefined : e.target.checked)
          }
        />
      );
    }
    case "number":
    case "integer":
      return (
        <input
          {...common}
          className={styles.control}
          type="number"
          inputMode={field.kind === "integer" ? "numeric" : "decimal"}
          step={field.kind === "integer" ? 1 : "any"}
          min={field.min ?? field.exclusiveMin}
          max={field.max ?? field.exclusiveMax}
          placeholder={placeholder}
          value={typeof value === "number" ? String(value) : ""}
          onChange={(e) => {
            const raw = e.target.value.trim();
            // A half-typed number ("1.", "-") reads as "" too: keep the key until it is really empty.
            if (raw === "" && e.target.validity?.badInput) return;
            if (raw === "") return onChange(undefined);
            const n = Number(raw);
            if (Number.isFinite(n)) onChange(n);
          }}
        />
      );
    case "enum": {
      const options = field.enum ?? [];
      const known = options.some((o) => o === value);
      const unset =
        field.default !== undefined
          ? `Default (${String(field.default)})`
          : field.required
            ? "Choose…"
            : "Not set";
      return (
        <select
          {...common}
          className={styles.control}
          value={value === undefined || value === null ? "" : String(value)}
          onChange={(e) =>
            onChange(
              e.target.value === ""
                ? undefined
                : (options.find((o) => String(o) === e.target.value) ?? e.target.value),
            )
          }
        >
          <option value="">{unset}</option>
          {!known && !isEmptyValue(value) ? (
            <option value={String(value)}>(not allowed) {String(value)}</option>
          ) : null}
          {options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      );
    }
    case "connector": {
      const types = field.connectorTypes;
      const fitting =
        types && types.length > 0
          ? context.connectors.filter((c) => types.includes(c.type))
          : context.connectors;
      const name = typeof value === "string" ? value : undefined;
      const dangling = name !== undefined && name !== "" && !fitting.some((c) => c.name === name);
      const showType = types?.length !== 1;
      return (
        <>
          <select
            {...common}
            className={styles.control}
            value={name ?? ""}
            onChange={(e) => setText(e.target.value)}
          >
            <option value="">{field.required ? "Choose a connector…" : "None"}</option>
            {dangling ? <option value={name}>(missing) {name}</option> : null}
            {fitting.map((c) => (
              <option key={c.name} value={c.name}>
                {showType ? `${c.name} (${c.type})` : c.name}
              </option>
            ))}
          </select>
          {fitting.length === 0 && !readOnly ? (
            <p className="field-hint">
              No {types && types.length > 0 ? types.join(" or ") : ""} connector is declared in this file yet.
            </p>
          ) : null}
        </>
      );
    }
    case "flow": {
      const name = typeof value === "string" ? value : undefined;
      const dangling = name !== undefined && name !== "" && !context.flows.includes(name);
      return (
        <select
          {...common}
          className={styles.control}
          value={name ?? ""}
          onChange={(e) => setText(e.target.value)}
        >
          <option value="">{field.required ? "Choose a flow…" : "None"}</option>
          {dangling ? <option value={name}>(missing) {name}</option> : null}
          {context.flows.map((flow) => (
            <option key={flow} value={flow}>
              {flow}
            </option>
          ))}
        </select>
      );
    }
    case "cel":
      return (
        <CelInput
          id={id}
          value={textOf(value)}
          onChange={(text) => onChange(celValue(value, text))}
          readOnly={readOnly}
          {...(checkCel ? { check: checkCel } : {})}
          {...(labelledBy ? { ariaLabelledBy: labelledBy } : {})}
          {...(ariaLabel ? { ariaLabel } : {})}
          {...(describedBy ? { ariaDescribedBy: describedBy } : {})}
          {...(placeholder ? { placeholder } : {})}
        />
      );
    case "json":
      return (
        <YamlText
          id={id}
          className={styles.control}
          disabled={readOnly}
          describedBy={describedBy}
          ariaLabel={ariaLabel}
          value={value}
          onChange={onChange}
        />
      );
    default:
      if (field.multiline)
        return (
          <textarea
            {...common}
            className={styles.control}
            rows={4}
            placeholder={placeholder}
            value={textOf(value)}
            onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)}
          />
        );
      return (
        <input
          {...common}
          className={[
            styles.control,
            field.kind === "template" || field.kind === "duration" ? styles.mono : undefined,
          ]
            .filter(Boolean)
            .join(" ")}
          type="text"
          spellCheck={field.kind === "string"}
          autoComplete="off"
          placeholder={placeholder}
          value={textOf(value)}
          onChange={(e) => setText(e.target.value)}
        />
      );
  }
}

/** CEL text as the value to store; a number or boolean stays one while the text still reads as it. */
function celValue(previous: unknown, text: string): unknown {
  if (text.trim() === "") return undefined;
  if (typeof previous === "number" && /^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text)
    return Number(text);
  if (typeof previous === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function toYaml(value: unknown): string {
  if (value === undefined) return "";
  return stringifyYaml(value).replace(/\n$/, "");
}

/** A free-form value (an example, a JSON Schema) edited as YAML (JSON is YAML too). */
function YamlText(props: {
  id: string;
  className: string | undefined;
  disabled: boolean;
  describedBy: string | undefined;
  ariaLabel: string | undefined;
  value: unknown;
  onChange(value: unknown): void;
}) {
  const { id, className, disabled, describedBy, ariaLabel, value, onChange } = props;
  const [draft, setDraft] = useState(() => toYaml(value));
  const [shown, setShown] = useState<unknown>(value);
  const [parseError, setParseError] = useState<string | null>(null);
  // A value changed elsewhere replaces the text, unless the text already says the same.
  if (shown !== value) {
    setShown(value);
    if (JSON.stringify(safeParse(draft)) !== JSON.stringify(value)) {
      setDraft(toYaml(value));
      setParseError(null);
    }
  }
  const errorId = `${id}-yaml-error`;
  return (
    <>
      <textarea
        id={id}
        className={[className, styles.mono].filter(Boolean).join(" ")}
        rows={5}
        spellCheck={false}
        disabled={disabled}
        aria-label={ariaLabel}
        value={draft}
        aria-invalid={parseError ? true : undefined}
        aria-describedby={
          [describedBy, parseError ? errorId : undefined].filter(Boolean).join(" ") || undefined
        }
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          if (text.trim() === "") {
            setParseError(null);
            return onChange(undefined);
          }
          try {
            const parsed: unknown = parseYaml(text);
            setParseError(null);
            onChange(parsed ?? undefined);
          } catch (error) {
            setParseError((error as Error).message.split("\n")[0] ?? "not valid YAML");
          }
        }}
      />
      {parseError ? (
        <p id={errorId} className="field-error">
          {parseError}
        </p>
      ) : null}
    </>
  );
}

function safeParse(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : (parseYaml(text) ?? undefined);
  } catch {
    return Symbol("unparsable");
  }
}

function GroupControl(props: {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  onChange(value: unknown): void;
  nestedErrors: Errors | undefined;
}): ReactNode {
  const { id, field, value, onChange, nestedErrors } = props;
  switch (field.kind) {
    case "object":
      return (
        <ObjectFields
          idPrefix={id}
          fields={field.fields ?? []}
          value={isRecord(value) ? value : {}}
          absent={!isRecord(value)}
          onChange={(next) => onChange(isEmptyValue(next) ? undefined : next)}
          {...(nestedErrors ? { errors: nestedErrors } : {})}
        />
      );
    case "map":
      return <MapRows id={id} field={field} value={value} onChange={onChange} />;
    case "alternatives":
      return <Alternatives id={id} field={field} value={value} onChange={onChange} />;
    default:
      return <ListRows id={id} field={field} value={value} onChange={onChange} />;
  }
}

/** Moves focus after rows change (to the new row, or to Add after a removal), once React drew them. */
function useFocusAfterRender(): (id: string) => void {
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === null) return;
    document.getElementById(pending.current)?.focus();
    pending.current = null;
  });
  return (id) => {
    pending.current = id;
  };
}

function ListRows(props: {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  onChange(value: unknown): void;
}) {
  const { readOnly } = useContext(FormEnvironmentContext);
  const { id, field, value, onChange } = props;
  const items: unknown[] = Array.isArray(value) ? value : [];
  const focusLater = useFocusAfterRender();
  const item = field.item;
  if (!item) return null;
  const noun = field.kind === "cel-list" ? "expression" : "item";
  const addId = `${id}-add`;
  const itemField: FieldDescriptor = { ...item, required: false };
  return (
    <>
      {items.length > 0 ? (
        <ol className={styles.rows}>
          {items.map((entry, index) => (
            <li key={index} className={styles.row}>
              <div className={styles.grow}>
                <ScalarControl
                  id={`${id}-${index}`}
                  field={itemField}
                  value={entry}
                  ariaLabel={`${field.label} ${index + 1}`}
                  onChange={(next) => onChange(items.map((old, i) => (i === index ? (next ?? "") : old)))}
                />
              </div>
              <button
                type="button"
                disabled={readOnly}
                aria-label={`Remove ${field.label} ${index + 1}`}
                onClick={() => {
                  const rest = items.filter((_, i) => i !== index);
                  focusLater(addId);
                  onChange(rest.length > 0 ? rest : undefined);
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      <button
        id={addId}
        type="button"
        disabled={readOnly}
        aria-label={`Add ${noun} to ${field.label}`}
        onClick={() => {
          focusLater(`${id}-${items.length}`);
          onChange([...items, ""]);
        }}
      >
        Add {noun}
      </button>
    </>
  );
}

interface MapRow {
  readonly key: string;
  readonly value: unknown;
}

function rowsOf(value: unknown): MapRow[] {
  return isRecord(value) ? Object.entries(value).map(([key, v]) => ({ key, value: v })) : [];
}

/** The mapping the rows say: rows without a name are drafts, a later duplicate wins. */
function mappingOf(rows: readonly MapRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) if (row.key !== "" && row.value !== undefined) out[row.key] = row.value;
  return out;
}

function sameMapping(a: unknown, b: unknown): boolean {
  return JSON.stringify(isRecord(a) ? a : {}) === JSON.stringify(isRecord(b) ? b : {});
}

function MapRows(props: {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  onChange(value: unknown): void;
}) {
  const { readOnly } = useContext(FormEnvironmentContext);
  const { id, field, value, onChange } = props;
  const [rows, setRows] = useState<MapRow[]>(() => rowsOf(value));
  const [shown, setShown] = useState<unknown>(value);
  // The value changed elsewhere (YAML pane, undo): show it, unless the rows already say it.
  if (shown !== value) {
    setShown(value);
    if (!sameMapping(mappingOf(rows), value)) setRows(rowsOf(value));
  }
  const focusLater = useFocusAfterRender();
  const item = field.item;
  if (!item) return null;
  const valueField: FieldDescriptor = { ...item, required: false };
  const addId = `${id}-add`;
  const commit = (next: MapRow[]) => {
    setRows(next);
    const mapping = mappingOf(next);
    if (!sameMapping(mapping, value) || (isEmptyValue(mapping) && value !== undefined))
      onChange(isEmptyValue(mapping) ? undefined : mapping);
  };
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.key) && row.key !== "") duplicates.add(row.key);
    seen.add(row.key);
  }
  return (
    <>
      {rows.length > 0 ? (
        <ul className={styles.rows}>
          {rows.map((row, index) => (
            <li key={index} className={styles.row}>
              <input
                id={`${id}-${index}-name`}
                className={`${styles.mapKey} ${styles.mono}`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                aria-label={`${field.label} name ${index + 1}`}
                placeholder="name"
                disabled={readOnly}
                value={row.key}
                onChange={(e) =>
                  commit(rows.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))
                }
              />
              <div className={styles.grow}>
                <ScalarControl
                  id={`${id}-${index}-value`}
                  field={valueField}
                  value={row.value}
                  ariaLabel={`${field.label} value ${index + 1}`}
                  onChange={(next) =>
                    commit(
                      rows.map((r, i) =>
                        // A text value stays "" while empty (an empty parameter is a value); other kinds drop out.
                        i === index ? { ...r, value: next ?? (isTextKind(valueField) ? "" : undefined) } : r,
                      ),
                    )
                  }
                />
              </div>
              <button
                type="button"
                disabled={readOnly}
                aria-label={`Remove ${field.label} ${index + 1}`}
                onClick={() => {
                  focusLater(addId);
                  commit(rows.filter((_, i) => i !== index));
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {duplicates.size > 0 ? (
        <p className="field-error">Named twice (the last one counts): {[...duplicates].join(", ")}</p>
      ) : null}
      <button
        id={addId}
        type="button"
        disabled={readOnly}
        aria-label={`Add entry to ${field.label}`}
        onClick={() => {
          focusLater(`${id}-${rows.length}-name`);
          setRows([...rows, { key: "", value: isTextKind(valueField) ? "" : undefined }]);
        }}
      >
        Add entry
      </button>
    </>
  );
}

function isTextKind(field: FieldDescriptor): boolean {
  return (
    field.kind === "string" || field.kind === "template" || field.kind === "cel" || field.kind === "duration"
  );
}

function Alternatives(props: {
  id: string;
  field: FieldDescriptor;
  value: unknown;
  onChange(value: unknown): void;
}) {
  const { readOnly } = useContext(FormEnvironmentContext);
  const { id, field, value, onChange } = props;
  const variants = field.variants ?? [];
  const matched = variantIndexOf(field, value);
  const [chosen, setChosen] = useState(matched ?? 0);
  const active = matched ?? chosen;
  /** What each variant last held, so switching back and forth loses nothing. */
  const remembered = useRef(new Map<number, unknown>());
  const variant = variants[active];
  const switchTo = (index: number) => {
    if (index === active) return;
    if (value !== undefined) remembered.current.set(active, value);
    setChosen(index);
    onChange(convertVariantValue(field, active, index, value) ?? remembered.current.get(index));
  };
  const discriminator = variant?.discriminator;
  return (
    <>
      <div className={styles.variants}>
        {variants.map((v, index) => (
          <label key={v.label} htmlFor={`${id}-variant-${index}`}>
            <input
              id={`${id}-variant-${index}`}
              type="radio"
              name={`${id}-variant`}
              checked={index === active}
              disabled={readOnly}
              onChange={() => switchTo(index)}
            />
            {v.label}
          </label>
        ))}
      </div>
      {variant ? (
        <Field
          key={active}
          id={`${id}-v${active}`}
          // The group already says "required"; the variant's own fields keep their rules.
          field={{ ...variant.field, label: variant.label, required: false }}
          value={matched === active ? value : undefined}
          messages={[]}
          onChange={(next) =>
            onChange(
              discriminator && isRecord(next) ? { [discriminator.key]: discriminator.value, ...next } : next,
            )
          }
        />
      ) : null}
    </>
  );
}
