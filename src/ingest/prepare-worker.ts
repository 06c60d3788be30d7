// A preparation worker: parses, validates and standardizes tracking bodies off the main thread,
// so JSON parsing and validation (most of a batch's JavaScript) use the machine's other cores.
import { parentPort, workerData } from 'node:worker_threads';
import { TesseraError, type IngestConfig, type WorkspaceConfig } from '../contract/index.js';
import { prepareMessages } from './prepare-messages.js';
import type { PrepareJob, PrepareReply } from './prepare-pool.js';
import { messagesOfBody, parseTrackingJson } from './tracking-body.js';

const { workspace, config } = workerData as { workspace: WorkspaceConfig; config: IngestConfig };
const port = parentPort;
if (!port) throw new Error('prepare-worker runs as a worker thread');

port.on('message', (job: PrepareJob) => {
  let reply: PrepareReply;
  try {
    const messages = messagesOfBody(parseTrackingJson(job.body), job.shape);
    reply = { id: job.id, ok: true, result: prepareMessages(messages, job.options, workspace, config) };
  } catch (err) {
    const error =
      err instanceof TesseraError ? { code: err.code, message: err.message, details: err.details } : { code: 'internal' as const, message: `preparing the body failed: ${String(err)}` };
    reply = { id: job.id, ok: false, error };
  }
  port.postMessage(reply);
});
