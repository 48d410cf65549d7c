/**
 * The palette's sections, derived from the schema (never a hand-kept list): blocks by category,
 * in the schema's order; a family whose blocks fall in different categories (the AI blocks are
 * both control flow and connector calls) gets a section of its own so it stays together.
 */
import type { BlockCategory, BlockInfo, ConnectorInfo, SchemaInfo } from "../model/schema-info.ts";

export interface PaletteSection {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly BlockInfo[];
}

const CATEGORY_TITLES: Record<BlockCategory, string> = {
  "control-flow": "Control flow",
  processor: "Processors",
  connector: "Connector calls",
};

const CATEGORY_ORDER: readonly BlockCategory[] = ["control-flow", "processor", "connector"];

/** "ai" → "AI", "object" → "Object": short prefixes are acronyms. */
export function familyTitle(family: string): string {
  return family.length <= 3 ? family.toUpperCase() : family[0]?.toUpperCase() + family.slice(1);
}

export function paletteSections(info: SchemaInfo): PaletteSection[] {
  const categoriesOf = new Map<string, Set<BlockCategory>>();
  for (const block of info.blocks.values()) {
    if (block.family === undefined) continue;
    const set = categoriesOf.get(block.family) ?? new Set();
    set.add(block.category);
    categoriesOf.set(block.family, set);
  }
  const ownSection = (block: BlockInfo) =>
    block.family !== undefined && (categoriesOf.get(block.family)?.size ?? 0) > 1 ? block.family : undefined;

  const byCategory = new Map<BlockCategory, BlockInfo[]>();
  const byFamily = new Map<string, BlockInfo[]>();
  for (const block of info.blocks.values()) {
    const family = ownSection(block);
    if (family !== undefined) byFamily.set(family, [...(byFamily.get(family) ?? []), block]);
    else byCategory.set(block.category, [...(byCategory.get(block.category) ?? []), block]);
  }
  const sections: PaletteSection[] = [];
  for (const category of CATEGORY_ORDER) {
    const blocks = byCategory.get(category);
    if (blocks) sections.push({ id: category, title: CATEGORY_TITLES[category], blocks });
  }
  for (const [family, blocks] of byFamily)
    sections.push({ id: `family-${family}`, title: familyTitle(family), blocks });
  return sections;
}

function matches(query: string, ...texts: (string | undefined)[]): boolean {
  const q = query.trim().toLowerCase();
  return q === "" || texts.some((t) => t?.toLowerCase().includes(q));
}

/** A filter over title, type, family and description, case-insensitive. */
export function blockMatches(block: BlockInfo, query: string): boolean {
  return matches(query, block.title, block.type, block.family, block.description);
}

export function connectorMatches(connector: ConnectorInfo, query: string): boolean {
  return matches(query, connector.title, connector.type, connector.description);
}

/** The sections with only the blocks matching `query`; empty sections are left out. */
export function filterSections(sections: readonly PaletteSection[], query: string): PaletteSection[] {
  return sections
    .map((s) => ({ ...s, blocks: s.blocks.filter((b) => blockMatches(b, query)) }))
    .filter((s) => s.blocks.length > 0);
}

/** A tooltip: the title, then the schema's description. */
export function describeBlock(item: { readonly title: string; readonly description?: string }): string {
  return item.description ? `${item.title}: ${item.description}` : item.title;
}

/**
 * Connector types to offer: an alias with the same title as an earlier type (`llm-anthropic`
 * beside `anthropic`) is the same connection under another name, offered once.
 */
export function distinctConnectors(info: SchemaInfo): ConnectorInfo[] {
  const seen = new Set<string>();
  return [...info.connectors.values()].filter((c) => {
    if (seen.has(c.title)) return false;
    seen.add(c.title);
    return true;
  });
}
