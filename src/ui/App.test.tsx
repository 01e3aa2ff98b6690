import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../store/session";
import { createAppStore } from "../store/store";
import { createInThreadClient } from "../worker/client";
import { App, statusText } from "./App";

afterEach(cleanup);

describe("App", () => {
  it("shows the product, the engine answered in-thread, and the default scenario", async () => {
    const client = createInThreadClient("test");
    const session = new Session({ client, store: createAppStore() });
    render(<App session={session} />);
    await session.start();

    expect(screen.getByRole("heading", { name: "slabscope" })).toBeDefined();
    expect(
      await screen.findByText("engine v1 — answered in-thread (test)"),
    ).toBeDefined();
    expect((await screen.findByTestId("scenario-title")).textContent).toMatch(
      /Remote frees freeze a full slab/,
    );
    expect(screen.getByTestId("step-counter").textContent).toMatch(
      /^step 0 \/ \d+$/,
    );
    session.dispose();
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
