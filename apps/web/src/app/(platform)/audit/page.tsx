import { AuditClient } from "./audit-client.tsx";

export const metadata = { title: "Audit log" };

export default function AuditPage() {
  return <AuditClient />;
}
