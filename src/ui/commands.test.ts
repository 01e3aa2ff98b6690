import { describe, expect, it } from "vitest";
import { createAppStore } from "../store/store";
import { canCompare, COMMANDS, commandFor } from "./commands";

describe("the command registry", () => {
  it("gives every key to one command only, and has help and compare", () => {
    const keys = COMMANDS.flatMap((c) => c.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(commandFor("?")?.id).toBe("help");
    expect(commandFor("c")?.id).toBe("compare");
    expect(commandFor("C")?.id).toBe("compare");
  });

  it("offers compare mode only for a library race with a fix, on its own kernel", () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setLibrary([
      { id: "race", kind: "race", title: "", summary: "", hasFix: true },
      { id: "tour", kind: "tour", title: "", summary: "", hasFix: false },
    ]);
    expect(canCompare(s())).toBe(false);
    s().setSource("library:race");
    expect(canCompare(s())).toBe(true);
    s().setSource("library:race:fixed");
    expect(canCompare(s())).toBe(false);
    s().setSource("library:tour");
    expect(canCompare(s())).toBe(false);
    s().setSource("file");
    expect(canCompare(s())).toBe(false);
  });
});
