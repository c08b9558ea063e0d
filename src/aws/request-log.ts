// What `--debug` shows of each AWS request: service, operation, Region, endpoint host, HTTP status,
// duration and attempt. Never credentials, headers or bodies. The AWS layer never prints: the CLI registers
// an observer (when --debug is given) and decides how to show the records.

export interface AwsRequestRecord {
  service: string;
  operation: string;
  region: string;
  /** scheme://host[:port] the request went to. */
  endpoint: string;
  /** HTTP status of the answer; undefined when no answer came (network failure). */
  status?: number;
  /** The network or SDK error code when the attempt failed without an HTTP answer. */
  failure?: string;
  ms: number;
  attempt: number;
}

type Observer = (record: AwsRequestRecord) => void;
let observer: Observer | undefined;

/** Registers the one observer of AWS requests (undefined removes it). */
export function observeAwsRequests(next: Observer | undefined): void {
  observer = next;
}

export function reportAwsRequest(record: AwsRequestRecord): void {
  observer?.(record);
}

/** One line per attempt, e.g. `AWS sts GetCallerIdentity eu-west-1 → 200 in 12 ms`. */
export function formatAwsRequest(r: AwsRequestRecord): string {
  const outcome = r.status !== undefined ? `${r.status}` : `no answer (${r.failure ?? 'error'})`;
  const attempt = r.attempt > 1 ? `, attempt ${r.attempt}` : '';
  return `AWS ${r.service} ${r.operation} ${r.region} ${r.endpoint} → ${outcome} in ${r.ms} ms${attempt}`;
}
