import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, UserError } from "../errors/tributary-error.ts";

/**
 * The FIT codec, imported by module name from the workspace root (it builds on core's contracts, so core
 * cannot depend on it): a detail with `decode: fit` attaches the file as a Terra Activity.
 */
const FIT_CODEC_MODULE = "@tributary/fit";

interface FitCodec {
  decodeActivityFit(bytes: Uint8Array): unknown;
}

let codec: Promise<FitCodec> | undefined;

/**
 * A provider's FIT file as a Terra Activity. A file that is not a FIT activity (truncated, corrupt, a
 * course file, an HTML error page) is a bad answer for that record only, never the whole read.
 */
export async function decodeFitDetail(bytes: Buffer, where: string): Promise<unknown> {
  codec ??= import(FIT_CODEC_MODULE).then(
    (module) => module as FitCodec,
    (cause) => {
      codec = undefined;
      throw new UserError(ErrorCodes.PLUGIN_LOAD, `Cannot import the FIT codec "${FIT_CODEC_MODULE}" for ${where}`, {
        cause,
        hint: "Install it (pnpm add @tributary/fit).",
      });
    },
  );
  const { decodeActivityFit } = await codec;
  try {
    return decodeActivityFit(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    const reason = isTributaryError(error) ? `${error.code}: ${error.message}` : String(error);
    throw new UserError(ErrorCodes.PROVIDER_BAD_RESPONSE, `${where}: the answer is not a readable FIT activity file (${reason})`, {
      cause: error,
      hint: "The provider sent a broken or different file; the record is quarantined with the reason.",
    });
  }
}
