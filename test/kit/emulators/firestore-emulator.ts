import { createRequire } from "node:module";
import type { Emulator } from "./emulator.ts";
import { onceOnly } from "./emulator.ts";

export const FIRESTORE_EMULATOR_PROJECT = "tributary-test";

export interface FirestoreEmulator extends Emulator {
  /** `127.0.0.1:<port>`: the Firestore client's `host` setting (the client then drops TLS and auth). */
  readonly endpoint: string;
  /** A project the emulator serves. */
  readonly projectId: string;
}

export interface FirestoreEmulatorOptions {
  /**
   * The projects that "exist". Requests for any other project are refused with PERMISSION_DENIED, which is
   * what production Firestore answers for a project that does not exist or that the service account may not
   * use. The emulator itself checks no credentials, so this refusal is how tests reach the auth-error path.
   * @default [FIRESTORE_EMULATOR_PROJECT]
   */
  projectIds?: readonly string[];
}

// The few grpc-js shapes used here: the kit cannot import @grpc/grpc-js's types (not its dependency).
interface GrpcMetadata {
  get(key: string): unknown[];
}
interface GrpcCall {
  sendStatus(status: { code: number; details: string }): void;
}
interface GrpcServer {
  interceptors: unknown[];
  bindAsync(address: string, credentials: unknown, callback: (error: Error | null, port: number) => void): void;
  forceShutdown(): void;
}
interface GrpcModule {
  ServerCredentials: { createInsecure(): unknown };
  ServerInterceptingCall: new (
    call: GrpcCall,
    responder: { start(next: (listener: { onReceiveMetadata(metadata: GrpcMetadata, next: (m: GrpcMetadata) => void): void }) => void): void },
  ) => unknown;
  status: { PERMISSION_DENIED: number };
}

/**
 * Starts @firestore-emulator/server (an in-memory Firestore speaking the real gRPC API) inside this process,
 * on 127.0.0.1 and a port the OS picks. Give the client `host: endpoint, ssl: false` (and a `universeDomain`,
 * or the auth library probes the GCE metadata server off this machine).
 *
 * Known gaps against production, as of 0.3.15: queries cannot filter on nested fields (`a.b`); transactions
 * do not isolate; `set()` merges into an existing document instead of replacing it; BatchWrite (BulkWriter),
 * GetDocument, ListDocuments and ListCollectionIds are not implemented.
 */
export async function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const projectIds = new Set(options.projectIds ?? [FIRESTORE_EMULATOR_PROJECT]);
  const { FirestoreServer } = await import("@firestore-emulator/server");
  // grpc-js must be the emulator's own copy (pnpm keeps it private to the package).
  const emulatorMain = createRequire(import.meta.url).resolve("@firestore-emulator/server");
  const grpc = createRequire(emulatorMain)("@grpc/grpc-js") as GrpcModule;

  const projectGate = (_method: unknown, call: GrpcCall) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            // The Firestore client names its database on every call in this header.
            const resource = String(metadata.get("google-cloud-resource-prefix")[0] ?? "");
            const project = /^projects\/([^/]+)\//.exec(resource)?.[1];
            if (project === undefined || projectIds.has(project)) forward(metadata);
            else call.sendStatus({ code: grpc.status.PERMISSION_DENIED, details: `Permission denied on resource project ${project}.` });
          },
        }),
    });

  const emulator = new FirestoreServer();
  // FirestoreServer.start() binds 0.0.0.0 on a port it does not report, and the class takes no interceptors,
  // so its (private) grpc-js server is used directly; grpc-js reads `interceptors` on every call.
  const server = (emulator as unknown as { server: GrpcServer }).server;
  server.interceptors = [projectGate];
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    endpoint: `127.0.0.1:${port}`,
    projectId: [...projectIds][0] ?? FIRESTORE_EMULATOR_PROJECT,
    stop: onceOnly(async () => emulator.stop()),
  };
}
