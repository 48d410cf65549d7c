/** A deployment's phase as the driver reports it, with ready / desired replicas. */
export function StatusBadge({
  status,
  readyReplicas,
  desiredReplicas,
}: {
  status: string;
  readyReplicas?: number;
  desiredReplicas?: number;
}) {
  const counts = readyReplicas !== undefined && desiredReplicas !== undefined;
  return (
    <span className={`badge status-${status}`}>
      {status}
      {counts ? ` ${readyReplicas}/${desiredReplicas}` : null}
    </span>
  );
}
