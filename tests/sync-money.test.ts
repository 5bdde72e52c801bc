import { describe, expect, it } from "vitest";
import { difference, sameAmount } from "../app/sync/mapping/money";

describe("comparing totals", () => {
  it("compares decimal strings exactly, whatever their written precision", () => {
    expect(sameAmount("49.10", "49.1")).toBe(true);
    expect(sameAmount("3000", "3000.00")).toBe(true);
    expect(sameAmount("0.1", "0.10000000000000001")).toBe(false);
  });

  it("writes the difference to the cent, with its sign", () => {
    expect(difference("100.00", "112.00")).toBe("-12.00");
    expect(difference("64.88", "64.87")).toBe("0.01");
    expect(difference("3001", "3000", 0)).toBe("1");
    expect(difference("12.345", "12.340")).toBe("0.005");
  });
});
