#!/usr/bin/env -S node --conditions=production
// The `tributary` command in production: the compiled CLI (pnpm build), with the "production" export
// condition so every @tributary package resolves to its dist/ rather than its TypeScript sources.
import "../dist/cli/main.js";
