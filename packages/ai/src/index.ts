// @octo/ai — LLM connections (Anthropic, OpenAI, Gemini) and AI blocks.
// The plugin comes next (issue 6); this package currently only hosts the
// provider wire-protocol stubs under test/stubs used to test it.
export {};
