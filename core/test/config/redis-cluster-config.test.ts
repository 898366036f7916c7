import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfigWithPlugins } from "../../src/config/load-config.ts";
import { isTributaryError } from "../../src/errors/tributary-error.ts";
import { clusterNodes, describeRedis, openRedis } from "../../src/queue/redis-client.ts";
import { MINIMAL_API, tempDir } from "./helpers.ts";

/** `redis.cluster`: startup nodes of a Redis Cluster, checked when the config loads. */
describe("redis.cluster", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  const load = async (redis: string) => loadConfigWithPlugins({ path: await dir.write("tributary.yaml", `${MINIMAL_API}redis:\n${redis}`), env: {} });
  const problemOf = async (redis: string) => {
    const error = await load(redis).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isTributaryError(error)) throw new Error(`expected a config error, got ${String(error)}`);
    return error.toOperatorString();
  };

  it("a list of node URLs is taken as it is, and opens an ioredis Cluster", async () => {
    const { config } = await load("  cluster: [redis://10.0.0.1:7000, 'redis://10.0.0.2:7001']\n");
    expect(config.redis.cluster).toEqual(["redis://10.0.0.1:7000", "redis://10.0.0.2:7001"]);
    expect(describeRedis(config.redis)).toBe("10.0.0.1:7000,10.0.0.2:7001");
    const client = openRedis(config.redis, { lazyConnect: true });
    try {
      expect(client.isCluster).toBe(true);
    } finally {
      client.disconnect();
    }
    const single = openRedis(config.redis.url, { lazyConnect: true });
    expect(single.isCluster).toBe(false);
    single.disconnect();
  });

  it("a node that is not a redis URL is named by its index, with what to write", async () => {
    const said = await problemOf("  cluster: [redis://10.0.0.1:7000, 10.0.0.2:7001]\n");
    expect(said).toContain("redis.cluster[1]: must be a redis://host:port (or rediss://) URL");
  });

  it("nodes with other credentials or another scheme are refused: one cluster has one password and one TLS setting", async () => {
    expect(await problemOf("  cluster: ['redis://:a@10.0.0.1:7000', 'redis://:b@10.0.0.2:7000']\n")).toContain(
      "redis.cluster[1]: has other credentials or another scheme than redis.cluster[0]",
    );
    expect(await problemOf("  cluster: ['redis://10.0.0.1:7000', 'rediss://10.0.0.2:7000']\n")).toContain("redis.cluster[1]: has other credentials");
  });

  it("a database other than 0 is refused: a cluster has only database 0", async () => {
    expect(await problemOf("  cluster: ['redis://10.0.0.1:7000/2']\n")).toContain("redis.cluster[0]: selects database 2; a Redis Cluster has only database 0");
  });

  it("an empty list or a single string is a schema problem", async () => {
    expect(await problemOf("  cluster: []\n")).toContain("redis.cluster");
    expect(await problemOf("  cluster: redis://10.0.0.1:7000\n")).toContain("redis.cluster");
  });

  it("credentials of the URLs become the node options of every node", () => {
    const [node] = clusterNodes(["rediss://user:p%40ss@[::1]:7000"]);
    expect(node).toEqual({ host: "::1", port: 7000, auth: { username: "user", password: "p@ss", tls: {} } });
  });
});
