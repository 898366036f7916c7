export { startMongoWireServer, type MongoWireServer, type MongoWireServerOptions } from "./server.ts";
export type { MongoWireUser } from "./users.ts";
