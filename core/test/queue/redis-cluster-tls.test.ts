import { lookup } from "node:dns";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedis } from "../../src/queue/redis-client.ts";
import { keySlot } from "../../src/queue/redis-keys.ts";
import { startRedisCluster, type LocalRedisCluster } from "@tributary/test-kit";

const ELASTICACHE = ["rediss://clustercfg.tributary.abc123.euw2.cache.amazonaws.com:6379"];

/** What openRedis gives ioredis for a cluster (read back from the client, which connects to nothing). */
function clusterOptionsOf(nodes: string[], options: Parameters<typeof openRedis>[1] = {}) {
  const client = openRedis({ url: "", cluster: nodes }, { lazyConnect: true, ...options }) as Cluster;
  client.disconnect();
  return client.options;
}

const resolveWith = (dnsLookup: Cluster["options"]["dnsLookup"], name: string) =>
  new Promise<string>((resolve, reject) => dnsLookup!(name, (error, address) => (error ? reject(error) : resolve(address))));

describe("a Redis Cluster over TLS (rediss://, as AWS ElastiCache with in-transit encryption)", () => {
  it("connects to each node by the name it is given, with TLS: the certificate is for that name, not its address", async () => {
    const options = clusterOptionsOf(ELASTICACHE);
    expect(options.redisOptions?.tls).toEqual({});
    expect(await resolveWith(options.dnsLookup, "clustercfg.tributary.abc123.euw2.cache.amazonaws.com")).toBe(
      "clustercfg.tributary.abc123.euw2.cache.amazonaws.com",
    );
    // A caller's TLS options (a private CA) are kept, not replaced by the URL's scheme.
    expect(clusterOptionsOf(ELASTICACHE, { tls: { ca: "-----BEGIN CERTIFICATE-----" } }).redisOptions?.tls).toEqual({ ca: "-----BEGIN CERTIFICATE-----" });
  });

  it("a cluster without TLS keeps ioredis' own name resolution", () => {
    const options = clusterOptionsOf(["redis://10.0.0.1:7000"]);
    expect(options.dnsLookup).toBe(lookup);
    expect(options.redisOptions?.tls).toBeUndefined();
  });

  /**
   * A local cluster served as ElastiCache serves one: TLS only, a certificate for `localhost` and not for
   * 127.0.0.1, nodes announced by name (redis-server 7 with TLS, openssl; see startRedisCluster).
   */
  describe("against a local TLS cluster", () => {
    let cluster: LocalRedisCluster;
    beforeAll(async () => {
      cluster = await startRedisCluster(3, { tls: true });
    }, 60_000);
    afterAll(async () => {
      await cluster?.close();
    });

    it("reads and writes keys of every node, and multi-key commands within a slot", async () => {
      const client = openRedis({ url: "", cluster: cluster.nodes }, { tls: { ca: cluster.ca! } });
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `tls-test:${i}`);
        expect(new Set(keys.map(keySlot)).size).toBeGreaterThan(20);
        for (const key of keys) await client.set(key, key, "EX", 60);
        expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
        await client.mset("{tls-test}:a", "1", "{tls-test}:b", "2");
        expect(await client.mget("{tls-test}:a", "{tls-test}:b")).toEqual(["1", "2"]);
        const masters = (client as Cluster).nodes("master");
        expect(masters).toHaveLength(3);
      } finally {
        client.disconnect();
      }
    });

    it("(why) resolving the names first fails: the certificate is not for 127.0.0.1, and no node of the cluster answers", async () => {
      const { hostname, port } = new URL(cluster.nodes[0]!);
      // What ioredis does by default: the node's name resolved, then connected to at that address.
      const byAddress = new Redis({ host: "127.0.0.1", port: Number(port), tls: { ca: cluster.ca! }, lazyConnect: true, retryStrategy: () => null });
      const refusals: unknown[] = [];
      byAddress.on("error", (error: unknown) => refusals.push(error));
      try {
        await expect(byAddress.connect()).rejects.toThrow();
        expect(refusals).toContainEqual(expect.objectContaining({ code: "ERR_TLS_CERT_ALTNAME_INVALID", message: expect.stringContaining("127.0.0.1") }));
      } finally {
        byAddress.disconnect();
      }
      const resolving = new Cluster([{ host: hostname, port: Number(port) }], {
        redisOptions: { tls: { ca: cluster.ca! } },
        lazyConnect: true,
        clusterRetryStrategy: () => null,
      });
      resolving.on("error", () => undefined);
      try {
        await expect(resolving.connect()).rejects.toThrow("None of startup nodes is available");
      } finally {
        resolving.disconnect();
      }
    });
  });
});
