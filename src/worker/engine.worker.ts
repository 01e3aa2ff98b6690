// The module worker entry: serve EngineApi over comlink. Keep it thin; the code lives in
// engineApi.ts so that the in-thread fallback runs exactly the same implementation.
import { expose } from "comlink";
import { createEngineApi } from "./engineApi";

expose(createEngineApi("worker"));
