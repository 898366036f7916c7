/** What a verification scheme established about a push it accepted. */
export interface SchemeAccepted {
  ok: true;
  /** The timestamp the provider signed (unix seconds, fractional for millisecond clocks), for schemes that sign one. */
  signedAt?: number;
  /** How far `signedAt` may be from now: the push stays replayable until `signedAt + toleranceSeconds`. */
  toleranceSeconds?: number;
}

export type SchemeResult = SchemeAccepted | { ok: false; reason: string };

/** What verification established about a push: the replay fingerprint is built from it (`replay-fingerprint.ts`). */
export interface VerifiedPush {
  signedAt?: number;
  toleranceSeconds?: number;
  /** SHA-256 of the raw body, hex. */
  bodyDigest: string;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
