import { createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a SigV4 request names as its signer: the Authorization header's, or a pre-signed URL's credential. */
const HEADER_CREDENTIAL = /Credential=([^/,\s]+)\//;

/**
 * A front for fauxqs checking what it does not: the access key a request is signed with (SigV4 header or
 * pre-signed URL). A request under another key gets the refusal AWS gives an unknown key — S3: 403
 * `InvalidAccessKeyId`, SQS: `UnrecognizedClientException` — and reaches nothing; every other request passes
 * through untouched. The signature itself is not checked (neither the emulator nor this front knows the
 * secret's use), so a right key with a wrong secret passes.
 */
export async function startCredentialCheck(target: { port: number }, accessKeyId: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((incoming, answer) => {
    const given = signer(incoming);
    if (given !== undefined && given !== accessKeyId) {
      incoming.resume();
      refuse(incoming, answer, given);
      return;
    }
    const outgoing = forward({ host: "127.0.0.1", port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    outgoing.on("error", (error) => answer.destroy(error));
    incoming.pipe(outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function signer(incoming: IncomingMessage): string | undefined {
  const header = HEADER_CREDENTIAL.exec(String(incoming.headers.authorization ?? ""))?.[1];
  if (header !== undefined) return header;
  const query = new URL(incoming.url ?? "/", "http://front").searchParams.get("X-Amz-Credential");
  return query?.split("/")[0];
}

function refuse(incoming: IncomingMessage, answer: ServerResponse, given: string): void {
  const target = String(incoming.headers["x-amz-target"] ?? "");
  if (target.startsWith("AmazonSQS.")) {
    // SQS's JSON protocol; the query-compatible header carries the code its query protocol used.
    answer.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-query-error": "InvalidClientTokenId;Sender" });
    answer.end(
      JSON.stringify({ __type: "com.amazon.coral.service#UnrecognizedClientException", message: "The security token included in the request is invalid." }),
    );
    return;
  }
  answer.writeHead(403, { "content-type": "application/xml" });
  answer.end(
    incoming.method === "HEAD"
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>${given.replace(/[<&]/g, "")}</AWSAccessKeyId></Error>`,
  );
}
