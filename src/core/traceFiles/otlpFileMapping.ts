/**
 * OTLP/JSON in a trace file → X-Ray segment documents, through the same mapping the local OTLP
 * receiver uses (`core/otlp/`), so a file of OpenTelemetry spans builds the same model as the
 * spans sent to the receiver.
 */
import { traceRequestFromJson } from '../otlp/otlpJson';
import { otlpTraceRequestToSegmentDocuments } from '../otlp/otlpToXray';
import type { OtlpToDocuments } from './traceFileTypes';

export const otlpJsonToDocuments: OtlpToDocuments = (request) => {
  const mapped = otlpTraceRequestToSegmentDocuments(traceRequestFromJson(request));
  const warnings = mapped.problems.map((problem) => `an OTLP span was skipped: ${problem}`);
  if (mapped.rejected > mapped.problems.length) warnings.push(`${mapped.rejected - mapped.problems.length} more OTLP spans were skipped`);
  return { documents: mapped.documents.map((item) => item.document), warnings };
};
