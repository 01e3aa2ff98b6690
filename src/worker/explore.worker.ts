// A Web Worker of the app's race explorer: runs one job (src/explore/job.ts) and posts its
// progress and result. The panel stops it by terminating the worker.
import {
  runJob,
  type ExploreMessage,
  type ExploreRequest,
} from "../explore/job";

self.onmessage = (e: MessageEvent<ExploreRequest>) => {
  runJob(e.data, (m: ExploreMessage) => self.postMessage(m));
};
