import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { useAppStore, useSession } from "../../store/react";
import type { Session } from "../../store/session";
import { MAX_SCENARIO_BYTES, parseScenarioText } from "../../scenarios/schema";
import { decodeShare } from "../../share/codec";
import { currentLink } from "./linkSync";
import { download, elementToSvg, fileNameOf, svgToPng } from "./exportView";
import { shareStore } from "./shareState";
import "./share.css";

/** Links longer than this may be cut by chat services (Discord's limit is 2,000). */
const CHAT_SAFE = 2000;

/** Opens a scenario file; a file too large, not JSON or not a scenario is refused with the reasons. */
export async function importFile(session: Session, file: File): Promise<void> {
  const refuse = (errors: string[]) =>
    shareStore.getState().refuse(`${file.name} was not opened`, errors);
  if (file.size > MAX_SCENARIO_BYTES)
    return refuse([
      `the file is too large: ${file.size} bytes, at most ${MAX_SCENARIO_BYTES} (1 MB)`,
    ]);
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return refuse([`the file cannot be read: ${(e as Error).message}`]);
  }
  const r = parseScenarioText(text);
  if (!r.ok) return refuse(r.errors);
  await session.loadScenario(r.scenario);
  const refused = session.store.getState().loadErrors;
  if (refused) return refuse(refused);
  shareStore.getState().clearProblem();
}

/** Share, import and export: "Copy link", JSON files (picker or drop), PNG and SVG of the view. */
export function ShareBar() {
  const session = useSession();
  const title = useAppStore((s) => s.scenario?.title ?? "scenario");
  const link = useStore(shareStore, (s) => s.link);
  const status = useStore(shareStore, (s) => s.status);
  const fileInput = useRef<HTMLInputElement>(null);

  // A scenario file dropped anywhere on the page opens.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void importFile(session, file);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, [session]);

  const say = (text: string) => shareStore.getState().setStatus(text);

  const copyLink = async (asEmbed: boolean) => {
    const made = await currentLink(session, asEmbed ? { embed: true } : {});
    if (!made) return;
    // A link that would be refused on opening (a very long forked trace) is not handed out.
    const check = decodeShare(made);
    if (!check.ok) {
      shareStore.getState().setLink(null);
      return say(
        `No link: ${check.errors.join("; ")}. Use Export JSON to share this timeline as a file.`,
      );
    }
    shareStore.getState().setLink(made);
    const long =
      made.length > CHAT_SAFE
        ? ` It is ${made.length} characters: some chat services cut links over ${CHAT_SAFE}.`
        : "";
    try {
      await navigator.clipboard.writeText(made);
      say(
        `${asEmbed ? "Embed link" : "Link"} copied (${made.length} characters).${long}`,
      );
    } catch {
      say(
        `Copy the link from the box: the clipboard was not available.${long}`,
      );
    }
  };

  const exportJson = async () => {
    const s = await session.currentScenario();
    if (!s) return;
    const cursor = session.store.getState().timeline.cursor;
    const text = `${JSON.stringify({ ...s, cursor }, null, 2)}\n`;
    download(
      fileNameOf(s.title, "json"),
      new Blob([text], { type: "application/json" }),
    );
    say("Scenario saved as JSON.");
  };

  const exportImage = async (kind: "svg" | "png") => {
    const el = document.querySelector<HTMLElement>(".frame");
    if (!el) return say("There is no state view to export.");
    try {
      const image = elementToSvg(el);
      const blob =
        kind === "svg"
          ? new Blob([image.svg], { type: "image/svg+xml" })
          : await svgToPng(image);
      download(fileNameOf(title, kind), blob);
      say(`The state view saved as ${kind.toUpperCase()}.`);
    } catch (e) {
      say(`The ${kind.toUpperCase()} export failed: ${(e as Error).message}`);
    }
  };

  return (
    <section className="share-bar" aria-label="share">
      <div className="share-actions">
        <button type="button" onClick={() => void copyLink(false)}>
          Copy link
        </button>
        <button type="button" onClick={() => void copyLink(true)}>
          Copy embed link
        </button>
        <button type="button" onClick={() => void exportJson()}>
          Export JSON
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import JSON…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void importFile(session, file);
          }}
        />
        <button type="button" onClick={() => void exportImage("svg")}>
          Export SVG
        </button>
        <button type="button" onClick={() => void exportImage("png")}>
          Export PNG
        </button>
        <span className="share-hint">
          or drop a scenario file anywhere on the page
        </span>
      </div>
      {link && (
        <input
          className="share-link"
          aria-label="share link"
          data-testid="share-link"
          readOnly
          value={link}
          onFocus={(e) => e.target.select()}
        />
      )}
      {status && (
        <p role="status" className="share-status" data-testid="share-status">
          {status}
        </p>
      )}
    </section>
  );
}

/** Why the last link, file or draft was refused; shown over the workspace until dismissed. */
export function ShareProblem() {
  const problem = useStore(shareStore, (s) => s.problem);
  if (!problem) return null;
  return (
    <div role="alert" className="alert" data-testid="share-problem">
      {problem.what}:
      <ul>
        {problem.errors.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
      </ul>
      The scenario on screen and your draft are unchanged.{" "}
      <button
        type="button"
        onClick={() => shareStore.getState().clearProblem()}
      >
        Dismiss
      </button>
    </div>
  );
}
