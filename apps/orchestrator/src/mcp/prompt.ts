/** What the MCP server tells clients when they connect. */
export const INSTRUCTIONS =
  "Octo is an integration platform: an integration is a YAML definition of flows (sources, blocks, " +
  "connectors, CEL expressions) that the Octo runtime runs. With these tools you can list, read, validate, " +
  "create and update integrations, run them, invoke one flow with test data and read their logs. Read " +
  "octo://schema and octo://examples before writing a definition, and validate before saving. The prompt " +
  "author-integration walks through the whole loop.";

/** The `author-integration` prompt: the authoring loop, aimed at `goal` when one is given. */
export function authoringPrompt(goal: string | undefined): string {
  const aim = goal?.trim()
    ? `The goal: ${goal.trim()}`
    : "First ask what the integration should do (its trigger, its inputs and outputs, the systems it talks to).";
  return `You are authoring an Octo integration through the Octo MCP server. ${aim}

Work in this loop, and show your progress as you go:
1. Read the resource octo://schema: the JSON Schema of a definition, with every block, connector and
   source type and the description of each setting.
2. Read octo://examples, then the one or two examples closest to the goal (octo://examples/<slug>).
   Check list_integrations too: an existing integration may already do part of it (read_integration).
3. Draft the definition. Declare every outside value under env: (secret: true for credentials, never
   a literal key); expressions are CEL over body, vars, env, eventID, correlationID and now; JSON
   numbers are doubles (write 1.0, or convert with int()/double()).
4. validate_definition, and fix every problem it reports (each has line:col, a code and often a hint)
   until it reports none. Pass env values the definition requires.
5. Save: create_integration for a new one; for an existing one, update_integration with the
   lastUpdated you read as expectedLastUpdated, so you never overwrite someone else's edit.
6. Try it: invoke_flow runs one flow once with test data and answers its output (or its error) and
   log lines. For HTTP, cron or tool sources, run_integration starts it and read_logs shows what it
   does; stop_run when you are done.
7. When an output or a log line is wrong, fix the definition, update_integration, and invoke again.
   Finish with a summary: what each flow does, how it is called, and which env values it needs.`;
}
