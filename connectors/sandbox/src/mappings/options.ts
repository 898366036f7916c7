/** What a mapping needs from the runtime's MapContext. */
export interface SandboxMapOptions {
  /** Emit sample arrays (Terra's `with_samples`). */
  withSamples: boolean;
}
