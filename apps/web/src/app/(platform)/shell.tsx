"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "../../trpc/client.tsx";
import { PermissionsProvider, useCan } from "../../ui/permissions.tsx";
import { signOutAction } from "./sign-out.ts";

const LINKS = [
  { href: "/", label: "Dashboard" },
  { href: "/integrations", label: "Integrations" },
  { href: "/secrets", label: "Secrets" },
  { href: "/api-keys", label: "API keys" },
] as const;

function Nav() {
  const pathname = usePathname();
  const can = useCan();
  const links = can.admin ? [...LINKS, { href: "/audit", label: "Audit log" } as const] : LINKS;
  return (
    <nav aria-label="Main" className="nav">
      {links.map((l) => {
        const current = l.href === "/" ? pathname === "/" : pathname.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} aria-current={current ? "page" : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}

function Me({ mode, userName }: { mode: "oidc" | "open"; userName: string | undefined }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const can = useCan();
  const role = can.admin ? "admin" : can.write ? "writer" : "reader";
  return (
    <div className="me">
      {me.data ? (
        <span>
          {me.data.name ?? me.data.email ?? userName} <span className={`badge role-${role}`}>{role}</span>
        </span>
      ) : null}
      {mode === "oidc" ? (
        <form action={signOutAction}>
          <button type="submit" className="ghost">
            Sign out
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function Shell({
  mode,
  userName,
  children,
}: {
  mode: "oidc" | "open";
  userName: string | undefined;
  children: ReactNode;
}) {
  return (
    <PermissionsProvider>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Octo
        </Link>
        <Nav />
        <Me mode={mode} userName={userName} />
      </header>
      {mode === "open" ? (
        <div className="note note-warn banner" role="status">
          Open mode: no sign-in is configured (OIDC_ISSUER is unset), so everyone who can reach this page may
          change everything. Configure OIDC before exposing the platform.
        </div>
      ) : null}
      <main id="main" className="main">
        {children}
      </main>
    </PermissionsProvider>
  );
}
