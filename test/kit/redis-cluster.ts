import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";

export interface LocalRedisCluster {
  /** Startup nodes, as the config's `redis.cluster` lists them. */
  nodes: string[];
  /** Stop every node and remove their directory. */
  close(): Promise<void>;
}

/**
 * A throwaway three-node Redis Cluster (three masters, no replicas) on free ports, in a directory of its
 * own: `redis-server --cluster-enabled yes` ×3, then `redis-cli --cluster create`. Nothing is saved to disk
 * but each node's cluster config file, removed on close.
 */
export async function startRedisCluster(size = 3): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-redis-cluster-"));
  const servers: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve();
            server.once("exit", () => resolve());
            server.kill("SIGKILL");
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < size; i++) {
      // The cluster bus port is given too: the default (port + 10000) may be past 65535 or taken.
      const [port, bus] = [await freePort(), await freePort()];
      ports.push(port);
      const server = spawn(
        "redis-server",
        [
          ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
          ...["--cluster-enabled", "yes", "--cluster-port", String(bus), "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "5000"],
        ],
        { stdio: "ignore" },
      );
      servers.push(server);
    }
    for (const port of ports) await untilAnswers(port);
    const created = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      encoding: "utf8",
    });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) await untilClusterOk(port);
    return { nodes: ports.map((port) => `redis://127.0.0.1:${port}`), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function untilAnswers(port: number): Promise<void> {
  await poll(`redis-server on port ${port} to answer`, async (client) => (await client.ping()) === "PONG", port);
}

/** Every node must see every slot served before a client can use the cluster. */
async function untilClusterOk(port: number): Promise<void> {
  await poll(`the cluster to be ok on port ${port}`, async (client) => String(await client.call("CLUSTER", "INFO")).includes("cluster_state:ok"), port);
}

async function poll(what: string, check: (client: Redis) => Promise<boolean>, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if (await check(client)) return;
    } catch {
      // Not up yet.
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
