// Helpers for a connector's own tests: testConnector() (the conformance every connector passes), connect a mock user the way the spec says, read the connector's
// streams through the provider client and the stream executor (and the pulls its pushes trigger), and map what comes back.
export { connectToMock, MOCK_CLIENT, type MockConnection, type MockCredentials } from "./mock-connection.ts";
export {
  connectorClient,
  mergePulls,
  mockClient,
  pullAndMap,
  pullFromMock,
  sendConnectRequests,
  transactionStreams,
  type MockPull,
  type PullOptions,
  type PullResult,
  type PulledRecord,
  type TransportWrapper,
} from "./pull.ts";
export { examplePushPulls, runPushPull, type PushPull, type PushPullOptions } from "./push-pulls.ts";
export { recordExchanges, unanswered, type Exchange } from "./exchanges.ts";
export { testConnector, type TestConnectorOptions } from "./test-connector.ts";
export { connectorRun, inStableOrder, payloadOutline, type ConnectorRun } from "./connector-run.ts";
export { headerOf, startPushReceiver, type PushReceiver, type ReceivedRequest, type ReceiverAnswer } from "./push-receiver.ts";
