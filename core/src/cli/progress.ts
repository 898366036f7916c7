import { SingleBar, Presets } from "cli-progress";

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal (nothing in a pipe or a log file, where stdout's summary says it all). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream, format: `${label} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, done);
      else bar.setTotal(total);
      started = true;
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}
