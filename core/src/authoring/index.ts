// Tools for connector authors: what `tributary connector new` and `connector test` run, and what a
// connector's own tests call — the scaffold of a new connector, and its examples mapped and checked.
export { checkConnectorExamples, dataTypeOfMapping, type ExampleCheck, type ExamplesReport } from "./connector-examples.ts";
export { createRecordMapper, type MappedRecord, type RecordMapper, type RecordMapperOptions } from "./record-mapper.ts";
export { readPush, recordsOf, type PushNotification } from "./push-notifications.ts";
export { differences } from "./differences.ts";
export { scaffoldConnector, type ScaffoldOptions, type ScaffoldResult } from "./scaffold.ts";
export type { ScaffoldKind } from "./scaffold-files.ts";
export { connectorNames, type ConnectorNames } from "./scaffold-names.ts";
