import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createAppStore } from "../store/store";
import { createInThreadClient } from "../worker/client";
import { App, statusText } from "./App";

afterEach(cleanup);

describe("App", () => {
  it("shows the product and the engine version answered by the in-thread engine", async () => {
    const client = createInThreadClient("test");
    render(<App client={client} store={createAppStore()} />);

    expect(screen.getByRole("heading", { name: "slabscope" })).toBeDefined();
    expect(
      await screen.findByText("engine v1 — answered in-thread (test)"),
    ).toBeDefined();
    client.dispose();
  });

  it("words each connection state", () => {
    expect(statusText({ kind: "connecting" })).toBe("Starting the engine…");
    expect(
      statusText({
        kind: "connected",
        engineVersion: 3,
        where: "worker",
        fallbackReason: null,
      }),
    ).toBe("engine v3 — answered by worker");
  });
});
