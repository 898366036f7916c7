export * from "./emulator.ts";
export * from "./aws-emulator.ts";
export * from "./firestore-emulator.ts";
