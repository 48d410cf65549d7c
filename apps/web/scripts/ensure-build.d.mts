export function sourceHash(): string;
export function ensureWebBuild(options?: { log?: (message: string) => void }): boolean;
export function standaloneServer(): string;
export function serveCommand(
  port: number | string,
  host: string,
): { args: string[]; env: { PORT: string; HOSTNAME: string } };
