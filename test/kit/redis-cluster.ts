import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";

export interface LocalRedisCluster {
  /** Startup nodes, as the config's `redis.cluster` lists them. */
  nodes: string[];
  /** With `tls`: the PEM of the certificate authority that signed the nodes' certificate (trust it to connect). */
  ca?: string;
  /** Stop every node and remove their directory. */
  close(): Promise<void>;
}

/**
 * A throwaway three-node Redis Cluster (three masters, no replicas) on free ports, in a directory of its
 * own: `redis-server --cluster-enabled yes` ×3, then `redis-cli --cluster create`. Nothing is saved to disk
 * but each node's cluster config file, removed on close.
 *
 * With `tls`, as AWS ElastiCache serves one with in-transit encryption: TLS only (clients and cluster bus),
 * a certificate for the host name `localhost` only (not for 127.0.0.1) from a CA of its own, and nodes that
 * announce themselves by that name; the startup nodes are `rediss://localhost:<port>`. Needs a redis-server
 * built with TLS (Redis 6+ as Debian and Ubuntu ship it) and `openssl`.
 */
export async function startRedisCluster(size = 3, options: { tls?: boolean } = {}): Promise<LocalRedisCluster> {
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
    const tls = options.tls ? await makeCertificates(dir) : undefined;
    const ports: number[] = [];
    for (let i = 0; i < size; i++) {
      // The cluster bus port is given too: the default (port + 10000) may be past 65535 or taken.
      const [port, bus] = [await freePort(), await freePort()];
      ports.push(port);
      const server = spawn(
        "redis-server",
        [
          ...(tls ? ["--port", "0", "--tls-port", String(port), ...tls.serverArgs] : ["--port", String(port)]),
          ...["--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
          ...["--cluster-enabled", "yes", "--cluster-port", String(bus), "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "5000"],
        ],
        { stdio: "ignore" },
      );
      servers.push(server);
    }
    const clientTls = tls && { ca: tls.ca, servername: TLS_HOST };
    for (const port of ports) await untilAnswers(port, clientTls);
    const created = spawnSync(
      "redis-cli",
      [...(tls?.cliArgs ?? []), "--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"],
      { encoding: "utf8" },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) await untilClusterOk(port, clientTls);
    if (tls) return { nodes: ports.map((port) => `rediss://${TLS_HOST}:${port}`), ca: tls.ca, close };
    return { nodes: ports.map((port) => `redis://127.0.0.1:${port}`), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The one name the TLS cluster's certificate is for, and the nodes announce. */
const TLS_HOST = "localhost";

interface ClientTls {
  ca: string;
  servername: string;
}

/**
 * A CA and a certificate it signs for `localhost` only, both made with openssl in `dir`; what redis-server
 * and redis-cli are given to serve and speak TLS with them.
 */
async function makeCertificates(dir: string): Promise<{ ca: string; serverArgs: string[]; cliArgs: string[] }> {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    const run = spawnSync("openssl", args, { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr || run.error?.message}`);
  };
  const subject = (name: string) => ["-subj", `/CN=${name}`];
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", file("ca.key"), "-out", file("ca.crt"), ...subject("tributary test CA"));
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file("node.key"), "-out", file("node.csr"), ...subject(TLS_HOST));
  await writeFile(file("node.ext"), `subjectAltName=DNS:${TLS_HOST}\n`);
  openssl(
    "x509",
    "-req",
    "-in",
    file("node.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    file("node.crt"),
    "-extfile",
    file("node.ext"),
  );
  const pair = ["--tls-cert-file", file("node.crt"), "--tls-key-file", file("node.key"), "--tls-ca-cert-file", file("ca.crt")];
  return {
    ca: await readFile(file("ca.crt"), "utf8"),
    serverArgs: [
      ...pair,
      ...["--tls-cluster", "yes", "--tls-auth-clients", "no"],
      ...["--cluster-announce-hostname", TLS_HOST, "--cluster-preferred-endpoint-type", "hostname"],
    ],
    // The cluster is created by address; redis-cli checks the chain, not the name.
    cliArgs: ["--tls", "--cacert", file("ca.crt")],
  };
}

async function untilAnswers(port: number, tls?: ClientTls): Promise<void> {
  await poll(`redis-server on port ${port} to answer`, async (client) => (await client.ping()) === "PONG", port, tls);
}

/** Every node must see every slot served before a client can use the cluster. */
async function untilClusterOk(port: number, tls?: ClientTls): Promise<void> {
  await poll(`the cluster to be ok on port ${port}`, async (client) => String(await client.call("CLUSTER", "INFO")).includes("cluster_state:ok"), port, tls);
}

async function poll(what: string, check: (client: Redis) => Promise<boolean>, port: number, tls?: ClientTls): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(tls ? { tls } : {}) });
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
