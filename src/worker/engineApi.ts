import { ENGINE_VERSION } from "../engine/version";
import type { EngineApi, EngineLocation } from "./protocol";

/**
 * The implementation of EngineApi, the same code in the worker and in the main thread.
 * `where` only labels the answers, so the UI can say which transport it is talking to.
 */
export function createEngineApi(where: EngineLocation): EngineApi {
  return {
    async ping() {
      return { engineVersion: ENGINE_VERSION, where };
    },
  };
}
