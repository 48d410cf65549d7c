import { z } from "zod";
import { BLOCK_LIST } from "./fields.ts";

/** `service:` — the integration's identity. */
export const serviceSchema = z.strictObject({
  name: z.string().min(1).meta({ description: "service name, used in logs and metrics" }),
  environment: z.string().optional().meta({ description: "free-form environment label (dev, prod …)" }),
  version: z.string().optional(),
  description: z.string().optional(),
});

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `env:` declaration: every external input is declared once. */
export const envVarSchema = z.strictObject({
  name: z.string().regex(ENV_NAME, "env names are letters, digits and _, not starting with a digit"),
  required: z.boolean().optional().meta({ description: "must come from the OS env or a .env file" }),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  secret: z.boolean().optional().meta({ description: "value is redacted from logs and errors" }),
  description: z.string().optional(),
});
export type EnvVarDecl = z.infer<typeof envVarSchema>;

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "names are letters, digits, '.', '_' and '-'");

/** A named connector instance; settings are checked by the connector's own schema. */
export const connectorSchema = z.strictObject({
  name,
  type: z.string().min(1),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** A flow's source; settings are checked by the source's own schema. */
export const sourceSchema = z.strictObject({
  connector: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "connector instance name (or type)", format: "connector" }),
  type: z.string().min(1).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** A root flow. Blocks are validated one by one by their own definitions. */
export const flowSchema = z.strictObject({
  name,
  description: z.string().optional(),
  workers: z.int().min(1).max(10_000).optional().meta({ description: "concurrent workers (default 8)" }),
  buffer: z
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .meta({ description: "bounded intake queue (default 128)" }),
  pool: z
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ description: "shared pool for fork branches (default 16)" }),
  source: sourceSchema.optional(),
  process: BLOCK_LIST,
  error: BLOCK_LIST.optional(),
});

/** A reusable named block (`processors:`), used from flows with `ref:`. */
export const processorSchema = z.looseObject({ name, type: z.string().min(1) });

/** The shape of one config file; a directory's files are merged into one such document. */
export const documentSchema = z.strictObject({
  service: serviceSchema.optional(),
  env: z.array(envVarSchema).optional(),
  connectors: z.array(connectorSchema).optional(),
  processors: z.array(processorSchema).optional(),
  flows: z.array(flowSchema).optional(),
});
export type ConfigDocument = z.infer<typeof documentSchema>;
export type FlowDecl = z.infer<typeof flowSchema>;
export type ConnectorDecl = z.infer<typeof connectorSchema>;
