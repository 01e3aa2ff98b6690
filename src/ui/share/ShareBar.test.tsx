import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
import { App } from "../App";
import { shareStore } from "./shareState";

afterEach(() => {
  cleanup();
  shareStore.setState({ problem: null, embed: false });
  document.documentElement.classList.remove("embed");
});

async function app() {
  const client = createInThreadClient("test");
  const session = new Session({ client, store: createAppStore() });
  render(<App session={session} />);
  await session.start();
  return () => {
    session.dispose();
    client.dispose();
  };
}

describe("ShareBar", () => {
  it("shows a refusal's reasons as text, never as markup", async () => {
    const done = await app();
    const hostile = '<img src=x onerror="globalThis.__pwned=1">';
    act(() =>
      shareStore.getState().refuse("The link was not opened", [hostile]),
    );
    const alert = await screen.findByTestId("share-problem");
    expect(alert.textContent).toContain(hostile);
    expect(document.querySelector("img")).toBeNull();
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    done();
  });

  it("embed mode hides the chrome behind one button back to the full view", async () => {
    const done = await app();
    act(() => shareStore.getState().setEmbed(true));
    expect(document.documentElement.classList.contains("embed")).toBe(true);
    expect(screen.queryByRole("button", { name: "Share" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    act(() => screen.getByRole("button", { name: "Full view" }).click());
    expect(document.documentElement.classList.contains("embed")).toBe(false);
    expect(screen.getByRole("button", { name: "Share" })).toBeDefined();
    done();
  });
});
