"use server";

import { signOut } from "../../auth/auth.ts";

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/signin" });
}
