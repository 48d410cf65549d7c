import type { OctoPlugin } from "../plugin/types.ts";
import { cacheScope } from "./cache-scope/index.ts";
import { deleteVariable } from "./delete-variable/index.ts";
import { flowRef } from "./flow-ref/index.ts";
import { foreach } from "./foreach/index.ts";
import { fork } from "./fork/index.ts";
import { handleErrors } from "./handle-errors/index.ts";
import { ifBlock } from "./if/index.ts";
import { invalidateCache } from "./invalidate-cache/index.ts";
import { log } from "./log/index.ts";
import { objectDelete } from "./object-delete/index.ts";
import { objectRead } from "./object-read/index.ts";
import { objectWrite } from "./object-write/index.ts";
import { rest } from "./rest/index.ts";
import { setPayload } from "./set-payload/index.ts";
import { setVariable } from "./set-variable/index.ts";
import { sql } from "./sql/index.ts";
import { switchBlock } from "./switch/index.ts";

/** The runtime's own blocks, registered like any plugin's. */
export const coreBlocks: OctoPlugin = {
  name: "core",
  blocks: [
    setPayload,
    setVariable,
    deleteVariable,
    log,
    sql,
    rest,
    ifBlock,
    switchBlock,
    foreach,
    fork,
    flowRef,
    handleErrors,
    cacheScope,
    invalidateCache,
    objectRead,
    objectWrite,
    objectDelete,
  ],
};
