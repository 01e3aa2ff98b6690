/**
 * The state of sharing and editing that the rest of the app does not need: why the last link or
 * file was refused, whether the view is embedded, the last link made. A small store of its own,
 * so the app's store stays as it is.
 */
import { createStore } from "zustand/vanilla";

export interface ShareState {
  /** Why the last link, file or draft was not opened (the loaded scenario stays), or null. */
  problem: { what: string; errors: string[] } | null;
  /** Minimal chrome, for slides and iframes (`view.embed` of a link). */
  embed: boolean;
  /** The last link made by "Copy link", shown so it can be copied by hand too. */
  link: string | null;
  /** What happened to the last "Copy link" or export. */
  status: string | null;
  refuse(what: string, errors: string[]): void;
  clearProblem(): void;
  setEmbed(embed: boolean): void;
  setLink(link: string | null): void;
  setStatus(status: string | null): void;
}

export type ShareStore = ReturnType<typeof createShareStore>;

export function createShareStore() {
  return createStore<ShareState>()((set) => ({
    problem: null,
    embed: false,
    link: null,
    status: null,
    refuse: (what, errors) => set({ problem: { what, errors } }),
    clearProblem: () => set({ problem: null }),
    setEmbed: (embed) => set({ embed }),
    setLink: (link) => set({ link }),
    setStatus: (status) => set({ status }),
  }));
}

/** One per page: the app has one session, one link in the address bar. */
export const shareStore = createShareStore();
