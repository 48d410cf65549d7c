import { IntegrationsManager } from "./integrations-manager.tsx";

export const metadata = { title: "Integrations" };

export default function IntegrationsPage() {
  return <IntegrationsManager />;
}
