// Helpers for a connector's own tests: testConnector() (the conformance every connector passes), connect a mock user the way the spec says, read the connector's
// streams through the provider client and the stream executor, and map what comes back.
export { connectToMock, MOCK_CLIENT, type MockConnection, type MockCredentials } from "./mock-connection.ts";
export { connectorClient, pullAndMap, pullFromMock, type MockPull, type PullOptions, type PullResult, type PulledRecord } from "./pull.ts";
export { testConnector, type TestConnectorOptions } from "./test-connector.ts";
export { headerOf, startPushReceiver, type PushReceiver, type ReceivedRequest, type ReceiverAnswer } from "./push-receiver.ts";
