// A Web Worker of the app's era comparison: runs one job (erasJob.ts) and posts its result.
import { runErasJob, type ErasMessage, type ErasRequest } from "./erasJob";

self.onmessage = (e: MessageEvent<ErasRequest>) => {
  runErasJob(e.data, (m: ErasMessage) => self.postMessage(m));
};
