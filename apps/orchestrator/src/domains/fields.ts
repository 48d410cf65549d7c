import { z } from "zod";

/** Input fields shared by the routers; a malformed one is BAD_REQUEST, never a database error. */
export const id = z.uuid({ error: "must be a UUID" });
export const name = z.string().trim().min(1, "is required").max(200, "must be at most 200 characters");
/** A version tag: immutable, unique per integration. */
export const tag = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9._-]+$/, "may only contain letters, digits, '.', '-' and '_'");
/** Integration YAML, capped so one request cannot exhaust memory. */
export const definition = z.string().max(1_048_576, "must be at most 1 MiB");
