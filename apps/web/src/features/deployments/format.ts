/** A timestamp in the reader's locale; the raw text when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Hours, minutes and seconds: enough for a log line or an event seen on this page. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** Where a deployment answers: its external URL when exposed, else the driver's address. */
export function deploymentLink(d: { externalUrl?: string; url?: string }): string | undefined {
  return d.externalUrl ?? d.url;
}

/** A replica's name without the deployment id in front of it ("<id>-0" → "replica 0"). */
export function shortReplica(name: string): string {
  const match = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(.+)$/i.exec(name);
  return match ? `replica ${match[1]}` : name;
}
