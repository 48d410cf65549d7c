import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "web",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"],
    // Components render in jsdom (each such file says so); the server-side modules run in node.
    environment: "node",
    setupFiles: ["./test/setup.ts"],
  },
});
