export { extractSpecExamples } from "./extract.ts";
export { checkSpecDocument } from "./check.ts";
export type { SpecCheckReport, SpecExampleResult } from "./check.ts";
export type { ExtractedSpecExamples, SkippedSpecExample, SpecExample } from "./types.ts";
