#!/usr/bin/env node
import { isTributaryError } from "../errors/tributary-error.ts";
import { createCliProgram } from "./cli-program.ts";

try {
  await createCliProgram().parseAsync(process.argv);
} catch (error) {
  // One clear line for the operator, never a stack trace for an error we understand.
  console.error(isTributaryError(error) ? `✗ ${error.toOperatorString()}` : `✗ ${(error as Error).stack ?? String(error)}`);
  process.exitCode = process.exitCode || 2;
}
