export * from "./emulator.ts";
export * from "./aws-emulator.ts";
export * from "./firestore-emulator.ts";
export * from "./emulator-per-file.ts";
export * from "./holding-front.ts";
