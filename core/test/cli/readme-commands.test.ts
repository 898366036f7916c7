import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createCliProgram } from "../../src/cli/cli-program.ts";

const README = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

/** Each `pnpm tributary …` the README shows: its words up to the first argument, and the options it names. */
function readmeCommands(): { text: string; path: string[][]; options: string[] }[] {
  return [...README.matchAll(/`pnpm tributary ([^`]*)`/g)]
    .map((match) => match[1]!.replaceAll("\\|", "|"))
    .filter((text) => text !== "…")
    .map((text) => {
      const path: string[][] = [];
      for (const word of text.split(/\s+/)) {
        if (!/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(word)) break;
        path.push(word.split("|"));
      }
      return { text, path, options: [...text.matchAll(/(?:^|[\s[])(--[a-z][a-z-]*)/g)].map((m) => m[1]!) };
    });
}

/** Every command path the words spell (alternatives `a|b` expand), with each path's command or the word it lacks. */
function resolve(program: Command, path: string[][]): { words: string[]; command?: Command }[] {
  const paths = path.reduce<string[][]>((all, choices) => all.flatMap((prefix) => choices.map((choice) => [...prefix, choice])), [[]]);
  return paths.map((words) => {
    let command: Command | undefined = program;
    for (const word of words) command = command?.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
    return { words, ...(command ? { command } : {}) };
  });
}

/** An option of the command or of a command above it (options are read with optsWithGlobals). */
function knows(command: Command, flag: string): boolean {
  for (let at: Command | null = command; at; at = at.parent) if (at.options.some((option) => option.long === flag)) return true;
  return false;
}

describe("the README's commands", () => {
  it("every `pnpm tributary …` it shows is a command of the CLI, with the options it names", () => {
    const program = createCliProgram();
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { text, path, options } of commands) {
      expect(path.length, text).toBeGreaterThan(0);
      for (const { words, command } of resolve(program, path)) {
        if (!command) {
          problems.push(`tributary ${words.join(" ")}: no such command (README: ${text})`);
          continue;
        }
        for (const flag of options) if (!knows(command, flag)) problems.push(`tributary ${words.join(" ")} has no ${flag} (README: ${text})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
