import styles from "./deployments.module.css";

/** The states of a tRPC subscription (useSubscription's `status`). */
export type StreamStatus = "idle" | "connecting" | "pending" | "error";

export function liveText(status: StreamStatus, hasError: boolean): string {
  switch (status) {
    case "pending":
      return "Live";
    case "connecting":
      // The client retries by itself after a lost connection and says why it is connecting again.
      return hasError ? "Connection lost, reconnecting…" : "Connecting…";
    case "error":
      return "Disconnected";
    case "idle":
      return "Not connected";
  }
}

/** Whether the stream is live, and a way to start it again after it gave up. */
export function LiveIndicator({
  status,
  hasError,
  onRetry,
}: {
  status: StreamStatus;
  hasError: boolean;
  onRetry?: () => void;
}) {
  const dot =
    status === "pending"
      ? styles.dotLive
      : status === "error"
        ? styles.dotDown
        : hasError
          ? styles.dotWarn
          : "";
  return (
    <span className={styles.live}>
      <span className={`${styles.dot} ${dot}`} aria-hidden="true" />
      <span role="status">{liveText(status, hasError)}</span>
      {status === "error" && onRetry ? (
        <button type="button" className="ghost" onClick={onRetry}>
          Reconnect
        </button>
      ) : null}
    </span>
  );
}
