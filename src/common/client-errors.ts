import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type Problem, PROBLEM_CONTENT_TYPE, problemType } from './problem.js';

/**
 * Errors Node meets before a request reaches a route (a request that did not arrive whole in time,
 * headers too large, bytes that are not HTTP) answered as problem documents like every other bad
 * request, then the connection closed: after such an error nothing else can be read from it.
 */
export function clientErrorHandler(requestTimeoutMs: number) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem = clientProblem(error.code, requestTimeoutMs);
    if (socket.writable) {
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

function clientProblem(code: string | undefined, requestTimeoutMs: number): Problem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      type: problemType('request-timeout'),
      title: 'The request did not arrive in time',
      status: 408,
      detail: `a request must arrive whole within ${requestTimeoutMs} ms`,
    };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: problemType('headers-too-large'),
      title: 'The request headers are too large',
      status: 431,
    };
  }
  return { type: problemType('malformed-request'), title: 'The request is not valid HTTP', status: 400 };
}
