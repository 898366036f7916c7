import { createHash } from "node:crypto";
import type { VerifiedPush } from "./verified-push.ts";

/**
 * How long a push without a signed timestamp is remembered: such a request stays valid for ever, so the
 * guard can only catch quick repeats; natural keys make a later one harmless downstream.
 */
export const UNTIMESTAMPED_REPLAY_WINDOW_SECONDS = 300;

/**
 * Slack over the signed window: the API processes' clocks differ a little, and each accepts a timestamp
 * until its own clock leaves the tolerance.
 */
const CLOCK_SLACK_SECONDS = 5;

/**
 * Identity of one push: what the signature vouched for (the signed timestamp and the body), never the
 * header's text, which a sender can spell in several ways the verifier accepts.
 */
export function replayFingerprint(provider: string, verified: VerifiedPush): string {
  return createHash("sha256")
    .update(`${provider}\u0000${verified.signedAt ?? ""}\u0000${verified.bodyDigest}`)
    .digest("hex");
}

/**
 * How long the "seen" marker of a push must live: until its signed timestamp leaves the tolerance
 * window — from now, not from first sight, so a request signed ahead of our clock cannot outlive it.
 */
export function replayHoldSeconds(verified: VerifiedPush, nowSeconds = Math.floor(Date.now() / 1000)): number {
  if (verified.signedAt === undefined || verified.toleranceSeconds === undefined) return UNTIMESTAMPED_REPLAY_WINDOW_SECONDS;
  return Math.max(1, verified.signedAt + verified.toleranceSeconds - nowSeconds + 1 + CLOCK_SLACK_SECONDS);
}
