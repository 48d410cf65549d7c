import Link from "next/link";
import styles from "../../features/deployments/deployments.module.css";
import { deploymentLink, formatDateTime } from "../../features/deployments/format.ts";
import { StatusBadge } from "../../features/deployments/status-badge.tsx";
import type { Deployment } from "../../features/deployments/types.ts";
import { Empty } from "../../ui/states.tsx";

/**
 * Every deployment in one table, from the live snapshot it is given. `integrationNames` gives the
 * integrations' current names (a deployment keeps the name it was deployed under).
 */
export function DashboardTable({
  deployments,
  integrationNames,
}: {
  deployments: readonly Deployment[];
  integrationNames?: ReadonlyMap<string, string>;
}) {
  if (deployments.length === 0)
    return (
      <Empty title="No deployments yet">
        <p>
          Deploy a tagged version from its <Link href="/integrations">integration</Link>.
        </p>
      </Empty>
    );
  return (
    <div className="table-wrap">
      <table>
        <caption className="muted">
          {deployments.length === 1 ? "1 deployment" : `${deployments.length} deployments`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Integration</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">URL</th>
            <th scope="col">Last updated</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => {
            const link = deploymentLink(d);
            return (
              <tr key={d.id}>
                <td>
                  <Link href={`/deployments/${d.id}`}>{d.name}</Link>
                  {d.slug ? <div className={`muted ${styles.mono}`}>{d.slug}</div> : null}
                </td>
                <td>
                  <Link href={`/integrations/${d.integrationId}`}>
                    {integrationNames?.get(d.integrationId) ?? d.name}
                  </Link>
                </td>
                <td>
                  <span className="badge">{d.tag}</span>
                </td>
                <td>
                  <StatusBadge
                    status={d.status}
                    readyReplicas={d.readyReplicas}
                    desiredReplicas={d.desiredReplicas}
                  />
                  {d.reason ? <div className={styles.reason}>{d.reason}</div> : null}
                </td>
                <td>
                  {link ? (
                    <a href={link} target="_blank" rel="noreferrer" className={styles.mono}>
                      {link}
                    </a>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>
                  <time dateTime={d.lastUpdated}>{formatDateTime(d.lastUpdated)}</time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
