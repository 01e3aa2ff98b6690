// Composition root: create the engine client, the store and the session once, install the idle
// signal (and, with ?testing=1, the test hooks), render. Nothing else belongs here.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Session } from "./store/session";
import { createAppStore } from "./store/store";
import { App } from "./ui/App";
import { installIdleSignal } from "./ui/idle";
import { installTestHooks } from "./ui/testHooks";
import { installLinkSync } from "./ui/share/linkSync";
import { installLiveLink } from "./ui/share/liveLink";
import { createEngineClient } from "./worker/client";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const params = new URLSearchParams(location.search);

if (params.get("bench") === "render") {
  // The render benchmark (npm run bench): synthetic frames, no engine, no app around them.
  void import("./ui/state/renderBench").then((b) => b.runRenderBench(root));
} else {
  startApp(root);
}

function startApp(root: HTMLElement) {
  // Created here, not in a component: StrictMode runs useMemo/useState initialisers twice in
  // development, which would start two workers.
  const testing = params.get("testing") === "1";
  // Tests shorten the per-call deadline after which a silent worker counts as dead.
  const deadline = Number(params.get("engineTimeoutMs"));
  const client = createEngineClient(
    testing && deadline > 0 ? { callTimeoutMs: deadline } : {},
  );
  const store = createAppStore();
  const session = new Session({ client, store, testing });
  installIdleSignal({ client, store, root });
  if (testing) installTestHooks(session);
  void session.start();
  // After start: a link in the fragment opens once the engine is up (the calls run in order).
  installLinkSync(session);
  // Then the fragment follows the scenario and the cursor as the user moves.
  installLiveLink(session);

  createRoot(root).render(
    <StrictMode>
      <App session={session} />
    </StrictMode>,
  );
}
