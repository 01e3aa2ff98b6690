import type { Connection } from "../store/store";

/** The engine's connection as one line: starting, where it answers from, or why it failed. */
export function statusText(connection: Connection): string {
  switch (connection.kind) {
    case "connecting":
      return "Starting the engine…";
    case "connected": {
      const version = `engine v${connection.engineVersion}`;
      if (connection.where === "worker")
        return `${version} — answered by worker`;
      const why = connection.fallbackReason
        ? ` (${connection.fallbackReason})`
        : "";
      return `${version} — answered in-thread${why}`;
    }
    case "failed":
      return connection.message;
  }
}
