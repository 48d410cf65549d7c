import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TrpcProviders } from "../trpc/client.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Octo", template: "%s · Octo" },
  description: "Build, run and deploy integrations.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TrpcProviders>{children}</TrpcProviders>
      </body>
    </html>
  );
}
