import { Cluster, Redis, type RedisOptions } from "ioredis";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** A connection to the deployment's Redis: one node, or a Redis Cluster. Both speak the same commands. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: the config's `redis.url`, or `redis.cluster` (startup nodes) when set. */
export interface RedisTarget {
  url: string;
  /** Startup nodes of a Redis Cluster (`redis://host:port` each); when set, `url` is not used. */
  cluster?: readonly string[] | undefined;
}

/** Whether a client talks to a Redis Cluster, where every multi-key command must stay within one slot. */
export const isCluster = (redis: RedisClient): redis is Cluster => (redis as { isCluster?: boolean }).isCluster === true;

/** `host:port` of a single node, `host:port,host:port,…` of a cluster's startup nodes: for messages. */
export function describeRedis(target: RedisTarget | string): string {
  const { url, cluster } = typeof target === "string" ? { url: target, cluster: undefined } : target;
  return cluster && cluster.length > 0 ? cluster.map((node) => new URL(node).host).join(",") : new URL(url).host;
}

/** The error of a command that cannot reach Redis: where it looked, and which setting says where. */
export function redisUnavailable(target: RedisTarget | string): UserError {
  const clustered = typeof target !== "string" && target.cluster !== undefined && target.cluster.length > 0;
  return new UserError(ErrorCodes.REDIS_UNAVAILABLE, `Redis is not reachable at ${describeRedis(target)}`, {
    hint: clustered ? "Start the cluster, or list running nodes in redis.cluster." : "Start it, or point redis.url (REDIS_URL) at a running one.",
  });
}

/**
 * The one way every process (api, worker, serve, CLI commands) opens Redis: a plain ioredis client for a
 * URL, an ioredis Cluster for startup nodes. `options` are node options either way; for a cluster the
 * reconnect strategy and the offline queue are the cluster's own (ioredis reconnects the cluster as a
 * whole and follows MOVED/ASK redirections itself).
 *
 * Over TLS (`rediss://` nodes) each node is connected to by the name it is given, not the address ioredis
 * would resolve it to first: the certificate names the host (AWS ElastiCache's in-transit encryption,
 * whose nodes announce host names), so TLS checks it against that name. TLS options of the caller (a
 * private CA) are kept.
 */
export function openRedis(target: RedisTarget | string, options: RedisOptions = {}): RedisClient {
  const { url, cluster } = typeof target === "string" ? { url: target, cluster: undefined } : target;
  if (!cluster || cluster.length === 0) return new Redis(url, options);
  const nodes = clusterNodes(cluster);
  const { retryStrategy, enableOfflineQueue, lazyConnect, enableReadyCheck, ...nodeOptions } = options;
  const { tls, ...auth } = nodes[0]!.auth;
  return new Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      redisOptions: { ...nodeOptions, ...auth, ...(tls ? { tls: { ...tls, ...nodeOptions.tls } } : {}) },
      ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
      ...(retryStrategy !== undefined ? { clusterRetryStrategy: retryStrategy } : {}),
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(enableReadyCheck !== undefined ? { enableReadyCheck } : {}),
    },
  );
}

interface ClusterNode {
  host: string;
  port: number;
  auth: Pick<RedisOptions, "username" | "password" | "tls">;
}

/**
 * Startup nodes as URLs. A cluster's nodes share one password and one TLS setting (ioredis uses the same
 * node options for every node it discovers), so the URLs must agree on them.
 */
export function clusterNodes(urls: readonly string[]): ClusterNode[] {
  const problem = clusterNodeProblem(urls);
  if (problem) {
    throw new UserError(ErrorCodes.CONFIG_INVALID, `redis.cluster[${problem.index}] ${problem.message}`, {
      hint: "List the cluster's startup nodes as redis://[user:password@]host:port (rediss:// for TLS), all with the same credentials and scheme.",
    });
  }
  return urls.map((raw) => nodeOf(new URL(raw)));
}

const NOT_A_NODE = "must be a redis://host:port (or rediss://) URL";

/** The first startup node that cannot be used (and why), for config checks and clusterNodes. */
export function clusterNodeProblem(urls: readonly string[]): { index: number; message: string } | undefined {
  let first: string | undefined;
  for (const [index, raw] of urls.entries()) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { index, message: NOT_A_NODE };
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") return { index, message: NOT_A_NODE };
    if (url.hostname === "") return { index, message: "names no host" };
    if (url.pathname !== "" && url.pathname !== "/" && url.pathname !== "/0") {
      return { index, message: `selects database ${url.pathname.slice(1)}; a Redis Cluster has only database 0` };
    }
    const auth = JSON.stringify(nodeOf(url).auth);
    first ??= auth;
    if (auth !== first) return { index, message: "has other credentials or another scheme than redis.cluster[0]" };
  }
  return undefined;
}

function nodeOf(url: URL): ClusterNode {
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? 6379 : Number(url.port),
    auth: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}
