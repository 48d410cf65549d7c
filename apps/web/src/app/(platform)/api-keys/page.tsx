import { ApiKeysClient } from "./api-keys-client.tsx";

export const metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return <ApiKeysClient />;
}
