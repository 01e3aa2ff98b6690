// Composition root: create the engine client and the store once, install the idle signal,
// render. Nothing else belongs here.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createAppStore } from "./store/store";
import { App } from "./ui/App";
import { installIdleSignal } from "./ui/idle";
import { createEngineClient } from "./worker/client";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// Created here, not in a component: StrictMode runs useMemo/useState initialisers twice in
// development, which would start two workers.
const client = createEngineClient();
const store = createAppStore();
installIdleSignal({ client, store, root });

createRoot(root).render(
  <StrictMode>
    <App client={client} store={store} />
  </StrictMode>,
);
