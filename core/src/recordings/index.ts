// Recorded provider exchanges: the folder format (docs/recordings.md), a transport that answers from a
// folder without the network, a recorder over a live transport, and HAR import.
export { importHar, type HarImportOptions } from "./har-import.ts";
export { loadRecordings, parseRecording, type RecordingFile, type RecordingSet } from "./load-recordings.ts";
export { createRecordingMatcher, type RecordingMatcher } from "./match-recording.ts";
export { recordedSpan, type RecordedSpan } from "./recorded-span.ts";
export { recordedTransport } from "./recorded-transport.ts";
export { recordingTransport, type RecorderOptions } from "./recorder.ts";
export { createScrubber, REDACTED, type ScrubOptions, type Scrubber } from "./scrub.ts";
export { recordingWriter, writeRecordings, type RecordingWriter } from "./write-recordings.ts";
export type { RecordedExchange } from "@tributary/schemas";
