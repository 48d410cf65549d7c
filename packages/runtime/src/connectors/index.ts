import type { OctoPlugin } from "../plugin/types.ts";
import { cronConnector } from "./cron/index.ts";
import { databaseConnector } from "./database/index.ts";
import { httpConnector } from "./http/index.ts";
import { httpClientConnector } from "./http-client/index.ts";
import { loggerConnector } from "./logger/index.ts";
import { mcpConnector } from "./mcp/index.ts";

/** The runtime's own connectors, registered like any plugin's. */
export const coreConnectors: OctoPlugin = {
  name: "core-connectors",
  connectors: [
    cronConnector,
    databaseConnector,
    httpConnector,
    httpClientConnector,
    loggerConnector,
    mcpConnector,
  ],
};
