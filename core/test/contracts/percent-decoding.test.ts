import { describe, expect, it } from "vitest";
import { formDecoded, percentDecoded } from "../../src/contracts/index.ts";

describe("percent-decoding", () => {
  it("decodes escapes, keeps `+`, and leaves text with a malformed escape as it was", () => {
    expect(percentDecoded("p%40ss+word%2F")).toBe("p@ss+word/");
    expect(percentDecoded("100%")).toBe("100%");
    expect(percentDecoded("%E0%A4%A")).toBe("%E0%A4%A");
  });

  it("form-decodes `+` as a space, and leaves malformed text exactly as it was", () => {
    expect(formDecoded("my+client%26co")).toBe("my client&co");
    expect(formDecoded("a+b%")).toBe("a+b%");
  });
});
