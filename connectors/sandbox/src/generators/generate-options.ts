export interface GenerateOptions {
  /** Include per-sample series (streams, epochs, intraday buckets, CGM readings). @default false */
  withSamples?: boolean;
}
