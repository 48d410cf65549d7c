import { connection } from "next/server";
import type { ReactNode } from "react";
import { auth } from "../../auth/auth.ts";
import { authSettings } from "../../auth/settings.ts";
import { Shell } from "./shell.tsx";

/** Every platform page: the navigation, who is signed in, and whether the platform runs open. */
export default async function PlatformLayout({ children }: { children: ReactNode }) {
  // Rendered per request: the auth mode comes from the environment the server runs with, not the build's.
  await connection();
  const settings = authSettings();
  const session = settings.mode === "oidc" ? await auth() : null;
  return (
    <Shell mode={settings.mode} userName={session?.user?.name ?? session?.user?.email ?? undefined}>
      {children}
    </Shell>
  );
}
