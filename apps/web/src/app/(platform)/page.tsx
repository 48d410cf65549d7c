import { Dashboard } from "./dashboard.tsx";

export const metadata = { title: "Deployments" };

export default function DashboardPage() {
  return <Dashboard />;
}
