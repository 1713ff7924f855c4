/** An RFC 9457 problem as the API sends it, or one made up for a failure that had no answer. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

/** Thrown by the API client when the API refuses a request or cannot be reached. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ProblemError';
    this.problem = problem;
  }
}

/** The problem of a failed response: its problem+json body, or one made from the status alone. */
export async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('Content-Type') ?? '';
  const requestId = response.headers.get('X-Request-Id') ?? undefined;
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      if (body && typeof body.title === 'string') {
        return { ...body, title: body.title, status: body.status ?? response.status, requestId };
      }
    } catch {
      // not JSON after all: fall through to the status
    }
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status, requestId };
}

/** A problem for a request that got no answer (offline, DNS, CORS, aborted). */
export function unreachable(error: unknown): Problem {
  return {
    title: 'unreachable',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
  };
}
