import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "samples",
    include: ["**/*.test.ts"],
  },
});
