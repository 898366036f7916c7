import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webhookPlugin from "@tributary/destination-webhook";
import type { DeliveryFormat } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import type { ActiveDestination } from "@tributary/core/runtime";
import { deauthorizeUser, pauseUser, requestData } from "@tributary/core/services";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { noJobRunning, settled } from "./settled.ts";

/**
 * A large request's `expected_payloads` is what each destination will receive under the reference, as the
 * app behind it counts: one webhook per delivery format, and destinations whose event filter takes the
 * announcement without the data, or the data without the announcement. The apps count the distinct
 * messages (by X-Terra-Trace-Id) whose `terra-reference` is the request's.
 */

interface Post {
  destination: string;
  reference: string | undefined;
  /** The reference as a FIT companion carries it (format `both`). */
  companionReference: string | undefined;
  traceId: string;
  fit: boolean;
  payload?: { type: string; expected_payloads?: number; data?: unknown[]; user?: { user_id?: string } };
  userId: string | undefined;
}

const LIFECYCLE = new Set(["large_request_processing", "large_request_sending"]);

/** What the app behind one destination knows of one reference. */
function countAt(posts: readonly Post[], destination: string, reference: string) {
  const mine = posts.filter((post) => post.destination === destination && post.reference === reference);
  const announcements = mine.filter((post) => post.payload?.type === "large_request_sending");
  const data = mine.filter((post) => !LIFECYCLE.has(post.payload?.type ?? ""));
  return {
    announcements,
    expected: announcements[0]?.payload?.expected_payloads,
    distinct: new Set(data.map((post) => post.traceId)).size,
    data,
    companions: posts.filter((post) => post.destination === destination && post.companionReference === reference),
  };
}

const DESTINATIONS: Record<string, { format: DeliveryFormat; events?: string[] }> = {
  json: { format: "terra" },
  fit: { format: "fit" },
  both: { format: "both" },
  "announce-only": { format: "fit", events: ["large_request_processing", "large_request_sending", "deauth"] },
  "data-only": { format: "fit", events: ["activity", "deauth"] },
};

describe("large requests: each destination's expected_payloads is what it receives", () => {
  let harness: RuntimeHarness;
  let server: Server;
  const posts: Post[] = [];
  /** Posts answered 503 (not received): a receiver that is down for them. */
  let refuse: (post: Post) => boolean = () => false;
  const refused: Post[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const fit = request.headers["content-type"] === "application/vnd.ant.fit";
        const payload = fit ? undefined : (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Post["payload"]);
        const post: Post = {
          destination: (request.url ?? "").slice(1),
          reference: request.headers["terra-reference"] as string | undefined,
          companionReference: request.headers["x-tributary-reference"] as string | undefined,
          traceId: request.headers["x-terra-trace-id"] as string,
          fit,
          ...(payload ? { payload } : {}),
          userId: (request.headers["x-tributary-user-id"] as string | undefined) ?? payload?.user?.user_id,
        };
        if (refuse(post)) {
          refused.push(post);
          response.writeHead(503).end();
          return;
        }
        posts.push(post);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signingSecret = randomBytes(16).toString("hex");
    const destinations: Record<string, ActiveDestination> = {};
    for (const [name, { format, events }] of Object.entries(DESTINATIONS)) {
      const destination = webhookPlugin.create({ url: `${base}/${name}`, signingSecret }, { name, format, log: silentLogger(), lookup: () => undefined });
      destinations[name] = { destination, ...(events ? { events: new Set(events) } : {}) };
    }
    // Chunks of 5 activities: SANDBOX members work out most days, so most chunks hold several.
    harness = await startTestRuntime({ destinations, policy: { chunkSize: 5, backoffSeconds: 1, maxBackoffSeconds: 1, attempts: 30 } });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const ctx = () => harness.runtime.ctx;
  const newUser = async () => (await ctx().store.createConnection({ provider: "SANDBOX", referenceId: `formats-${randomUUID()}` })).user_id;
  const large = async (userId: string) => {
    const request = await requestData(ctx(), { userId, dataType: "activity", start: "2026-01-01", end: "2026-03-01" });
    expect(request.large).toBe(true);
    return request;
  };
  const ofUser = (userId: string) => posts.filter((post) => post.userId === userId);
  /** Every destination that took the announcement got exactly what it was told. */
  const expectCountsClose = (userId: string, reference: string) => {
    for (const name of ["json", "fit", "both", "announce-only"]) {
      const count = countAt(ofUser(userId), name, reference);
      expect(count.announcements, name).toHaveLength(1);
      expect(count.distinct, name).toBe(count.expected);
    }
  };

  it("terra counts JSON payloads, fit its FIT files, both its JSON payloads (the files go with x-tributary-reference); filters are counted", async () => {
    const userId = await newUser();
    const request = await large(userId);
    await settled(ctx());
    expectCountsClose(userId, request.reference);
    const received = ofUser(userId);

    const json = countAt(received, "json", request.reference);
    const activities = json.data.reduce((sum, post) => sum + (post.payload?.data?.length ?? 0), 0);
    expect(json.data.every((post) => !post.fit)).toBe(true);
    // Chunks of several activities, so the formats' counts differ.
    expect(activities).toBeGreaterThan(json.expected!);

    const fit = countAt(received, "fit", request.reference);
    expect(fit.expected).toBe(activities);
    expect(fit.data.every((post) => post.fit)).toBe(true);

    const both = countAt(received, "both", request.reference);
    expect(both.expected).toBe(json.expected);
    expect(both.data.every((post) => !post.fit)).toBe(true);
    // The files are there, each tied to the request by the companion header, none counted.
    expect(both.companions).toHaveLength(activities);
    expect(both.companions.every((post) => post.fit && post.reference === undefined)).toBe(true);

    // Takes the announcement and not the data: told 0, gets 0.
    const announceOnly = countAt(received, "announce-only", request.reference);
    expect(announceOnly.expected).toBe(0);
    expect(received.filter((post) => post.destination === "announce-only").map((post) => post.payload?.type)).toEqual([
      "large_request_processing",
      "large_request_sending",
    ]);

    // Takes the data and not the announcement: gets the data, never an announcement.
    const dataOnly = countAt(received, "data-only", request.reference);
    expect(dataOnly.announcements).toEqual([]);
    expect(dataOnly.distinct).toBe(activities);
  }, 120_000);

  it("fit: a chunk whose user paused after one of its files went out comes as one stand-in per file, the sent file's among them", async () => {
    const userId = await newUser();
    const request = await large(userId);
    // The fit receiver takes one FIT file of the request and refuses the rest while the user pauses.
    let taken: string | undefined;
    refuse = (post) => {
      if (post.destination !== "fit" || post.reference !== request.reference || !post.fit) return false;
      taken ??= post.traceId;
      return post.traceId !== taken;
    };
    await until("a file taken and another refused", async () => (taken && refused.some((post) => post.reference === request.reference) ? true : undefined));
    await pauseUser(ctx(), userId);
    // A file whose pause check came before the pause is refused too.
    await noJobRunning(ctx());
    refuse = () => false;
    await settled(ctx());

    expectCountsClose(userId, request.reference);
    const fit = countAt(ofUser(userId), "fit", request.reference);
    const standIns = fit.data.filter((post) => !post.fit);
    expect(standIns.length).toBeGreaterThan(1);
    expect(standIns.every((post) => post.payload?.data?.length === 0)).toBe(true);
    // The sent file's chunk: the file and its stand-in under one trace id (one payload to the app).
    expect(standIns.map((post) => post.traceId)).toContain(taken);
  }, 120_000);

  it("fit: a deauth while chunks wait answers each file the destination still owes, before the deauth", async () => {
    const userId = await newUser();
    const request = await large(userId);
    refuse = (post) => post.destination === "fit" && post.reference === request.reference && !LIFECYCLE.has(post.payload?.type ?? "");
    await until("the announcement and a refused file", async () =>
      countAt(ofUser(userId), "fit", request.reference).announcements.length > 0 && refused.some((post) => post.reference === request.reference)
        ? true
        : undefined,
    );
    await deauthorizeUser(ctx(), userId);
    // A file whose check came before the deauth is refused too: every file the app gets is a stand-in.
    await noJobRunning(ctx());
    refuse = () => false;
    await settled(ctx());

    const received = ofUser(userId).filter((post) => post.destination === "fit");
    const count = countAt(received, "fit", request.reference);
    expect(count.expected).toBeGreaterThan(0);
    expect(count.distinct).toBe(count.expected);
    expect(count.data.every((post) => !post.fit && post.payload?.data?.length === 0)).toBe(true);
    expect(received.at(-1)?.payload?.type).toBe("deauth");
  }, 120_000);
});
