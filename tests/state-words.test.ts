import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ANSI_COLOR,
  bannerTone,
  badgeTone,
  CONNECTION_STATES,
  FILTER_WORDS,
  ORDER_STATES,
  RECONNECT_NEEDED,
  textTone,
} from "../app/models/state-words";
import { STATUS_FILTERS, SYNC_STATUSES } from "../app/models/sync-status";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("one name and one tone per state", () => {
  it("names every order state once, and a tab after the state it shows", () => {
    const labels = SYNC_STATUSES.map((status) => ORDER_STATES[status].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const [filter, statuses] of Object.entries(STATUS_FILTERS)) {
      if (statuses?.length === 1) expect(FILTER_WORDS[filter as keyof typeof FILTER_WORDS].label).toBe(ORDER_STATES[statuses[0]!].label);
    }
  });

  it("calls a broken connection and the orders waiting for it the same, in the same tone", () => {
    expect(ORDER_STATES.needs_reconnect).toMatchObject({ label: RECONNECT_NEEDED, tone: "critical" });
    expect(CONNECTION_STATES.needs_reconnect).toMatchObject({ label: RECONNECT_NEEDED, tone: "critical" });
  });

  it("gives a badge and a banner of one state the same colour (a yellow banner has a yellow badge)", () => {
    for (const words of [...Object.values(ORDER_STATES), ...Object.values(CONNECTION_STATES)]) {
      const badge = badgeTone(words.tone) ?? "info";
      expect(bannerTone(words.tone)).toBe(badge);
      expect(textTone(words.tone) ?? "base").not.toBe("");
      expect(ANSI_COLOR[words.tone]).toBeGreaterThan(0);
    }
    expect(CONNECTION_STATES.not_connected.tone).toBe("warning");
  });

  // What the pages and the demo print (FreshBooks' own messages go to "Details").
  it("leaves no other wording of a state in the pages, models or demo", () => {
    const others = /Needs reconnect\b|Needs reconnecting|Needs attention|needs to be reconnected/;
    const offenders = ["app/components", "app/routes", "app/models", "app/dev/demo"]
      .flatMap(sources)
      .filter((path) => others.test(readFileSync(path, "utf8")));
    expect(offenders).toEqual([]);
  });
});
