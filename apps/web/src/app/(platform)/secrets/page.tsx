import { SecretsClient } from "./secrets-client.tsx";

export const metadata = { title: "Secrets" };

export default function SecretsPage() {
  return <SecretsClient />;
}
