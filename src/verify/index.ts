/**
 * The verify layer's public surface: an offline RFC 8684 conformance checker over captured
 * packets. Pure: it imports only src/wire and takes capture items, never files.
 */
export { Verifier, verifyCapture, type VerifyReport, type VerifyStats } from "./verifier.ts";
export { formatSummary, formatViolation, REPORT_SCHEMA, reportJson, verdictOf, type VerifyVerdict } from "./report.ts";
export { CHECK_IDS, CHECK_RULES, CheckLedger, type CheckCount, type CheckId, type FailureText, type Violation } from "./violation.ts";
