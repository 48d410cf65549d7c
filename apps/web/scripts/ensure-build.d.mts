export function sourceHash(): string;
export function nextBin(): string;
export function ensureWebBuild(options?: { log?: (message: string) => void }): boolean;
