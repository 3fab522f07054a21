"""An append-only audit log, flushed in batches."""
import logging
import threading

logger = logging.getLogger("auth.audit")


class AuditLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[str, int]] = []

    def record(self, action: str, user_id: int) -> None:
        with self._lock:
            self._pending.append((action, user_id))

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for action, user_id in pending:
            logger.info("audit %s user=%s", action, user_id)


audit_log = AuditLog()
