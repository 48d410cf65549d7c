import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "bench",
    include: ["src/**/*.test.ts"],
    // The smoke run drives real servers with real load: one file at a time.
    fileParallelism: false,
  },
});
