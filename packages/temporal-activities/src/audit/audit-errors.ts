/** An event the audit store refuses before writing anything; retrying the same input cannot help. */
export class InvalidAuditEventError extends Error {
  readonly code = 'InvalidAuditEvent';
  readonly retryable = false;
  constructor(reason: string) {
    super(`invalid audit event: ${reason}`);
    this.name = 'InvalidAuditEventError';
  }
}
