import type { ConnectorSpec } from "@tributary/schemas";
import { mockFromSpec, type MockFromSpecOptions, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { onTestFinished } from "vitest";

/**
 * A spec-built mock listening on a free port for the current test, closed when the test ends. Outside a
 * running test (a beforeAll) pass `autoClose: false` and close it yourself.
 */
export async function startMockProvider(
  spec: ConnectorSpec,
  fixtures: SpecFixtures,
  options: MockFromSpecOptions & { autoClose?: boolean } = {},
): Promise<MockProvider> {
  const { autoClose = true, ...mockOptions } = options;
  const mock = mockFromSpec(spec, fixtures, mockOptions);
  await mock.listen();
  if (autoClose) onTestFinished(() => mock.close());
  return mock;
}
