import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// Testing Library unmounts after each test only when the runner exposes globals; ours does not.
afterEach(() => {
  if ("document" in globalThis) cleanup();
});
