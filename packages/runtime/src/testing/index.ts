// Flow tests as code: `*.test.yaml` files run by `octo test`.
export { findTestFiles } from "./discover.ts";
export { jsonReport } from "./reporters/json.ts";
export { junitReport } from "./reporters/junit.ts";
export { totals } from "./reporters/summary.ts";
export { formatCase, formatFileHeader, formatSummary } from "./reporters/text.ts";
export { type CaseResult, displayPath, type FileResult, runTestFile } from "./runner.ts";
export { isTestFile, loadTestFile, type TestFile } from "./test-file.ts";
