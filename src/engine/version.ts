/** Version of the engine's trace format; bumped whenever the same scenario could give a different trace. */
export const ENGINE_VERSION = 1;
