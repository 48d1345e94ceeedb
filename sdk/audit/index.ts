/** The tally audit (see audit-zone.ts): `auditZone`, its options and report, and the report as text. */
export { auditZone, type AuditOptions } from "./audit-zone.js";
export { formatAuditReport, type AuditCheck, type AuditDiscrepancy, type AuditReport } from "./report.js";
export { checkAdmissionRecords, type AdmissionRecords } from "./admissions.js";
