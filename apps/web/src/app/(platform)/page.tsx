export default function DashboardPage() {
  return <h1>Deployments</h1>;
}
