import { isForeignKeyViolation, isUniqueViolation } from "@octo/db";
import { TRPCError } from "@trpc/server";

export const notFound = (what: string) => new TRPCError({ code: "NOT_FOUND", message: `${what} not found` });
export const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });
export const conflict = (message: string) => new TRPCError({ code: "CONFLICT", message });

/**
 * Runs a write and turns the database's constraint errors into the API's: a unique violation is
 * CONFLICT with `onUnique`'s message, a foreign-key violation with `onForeignKey`'s.
 */
export async function constrained<T>(
  write: () => Promise<T>,
  messages: { onUnique?: string; onForeignKey?: string },
): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (messages.onUnique && isUniqueViolation(e)) throw conflict(messages.onUnique);
    if (messages.onForeignKey && isForeignKeyViolation(e)) throw conflict(messages.onForeignKey);
    throw e;
  }
}
