/**
 * The failures the local endpoint injects (`failNext`), each with the status, type and message
 * AWS sends. Kept apart from `localXRayServer.ts` so that file stays one screenful of routing.
 */
import { ApiError } from './localXRayHandlers';
import type { LocalXRayFailure, LocalXRayOperation } from './localXRayServer';

const LOGS_OPERATIONS: readonly LocalXRayOperation[] = ['FilterLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'StartLiveTail'];

function iamPrefix(operation: LocalXRayOperation): string {
  if (operation === 'GetFunctionConfiguration') return 'lambda';
  return LOGS_OPERATIONS.includes(operation) ? 'logs' : 'xray';
}

export function failureError(kind: LocalXRayFailure, operation: LocalXRayOperation): ApiError {
  switch (kind) {
    case 'expiredToken':
      return new ApiError(403, 'ExpiredTokenException', 'The security token included in the request is expired');
    case 'invalidToken':
      return new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'accessDenied':
      return new ApiError(403, 'AccessDeniedException', `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ${iamPrefix(operation)}:${operation} on resource: *`);
    case 'invalidRequest':
      return new ApiError(400, 'InvalidRequestException', 'Invalid filter expression: unexpected token at position 7');
    case 'internal':
      return new ApiError(500, 'InternalFailure', 'We encountered an internal error. Please try again.');
    case 'malformedQuery':
      return new ApiError(400, 'MalformedQueryException', 'unexpected symbol found | at line 1 and position 10');
    case 'limitExceeded':
      return new ApiError(400, 'LimitExceededException', 'Account maximum query concurrency limit of [100] reached.');
  }
}
