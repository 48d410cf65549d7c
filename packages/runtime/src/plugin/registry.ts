import type { BlockDefinition, ConnectorDefinition, OctoPlugin, SourceDefinition } from "./types.ts";

/** The block and connector types a runtime knows: core ones plus every registered plugin's. */
export class Registry {
  readonly blocks = new Map<string, BlockDefinition>();
  readonly connectors = new Map<string, ConnectorDefinition>();
  readonly plugins: string[] = [];
  /** Every plugin registered, in order (their metrics are declared from here). */
  readonly pluginDefinitions: OctoPlugin[] = [];

  use(plugin: OctoPlugin): this {
    for (const b of plugin.blocks ?? []) {
      if (this.blocks.has(b.type))
        throw new Error(`plugin ${plugin.name}: block type "${b.type}" is already registered`);
      this.blocks.set(b.type, b);
    }
    for (const c of plugin.connectors ?? []) {
      if (this.connectors.has(c.type))
        throw new Error(`plugin ${plugin.name}: connector type "${c.type}" is already registered`);
      this.connectors.set(c.type, c);
    }
    this.plugins.push(plugin.name);
    this.pluginDefinitions.push(plugin);
    return this;
  }

  /** Every source type, with the connector type that offers it. */
  sources(): { connector: ConnectorDefinition; source: SourceDefinition }[] {
    return [...this.connectors.values()].flatMap((c) =>
      (c.sources ?? []).map((source) => ({ connector: c, source })),
    );
  }
}
