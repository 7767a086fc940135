"""A broadcast's counts, and the admin's progress message that shows them."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

from lottery.i18n import DEFAULT_LOCALE, _, current_locale
from storage.models import Broadcast, BroadcastStatus, DeliveryState


@dataclass(frozen=True)
class Progress:
    """Where a broadcast stands. ``rate`` is messages/s sent by the reporting worker in its
    current run (0.0 when read from the database alone)."""

    broadcast_id: int
    total: int
    sent: int
    failed: int
    blocked: int
    unknown: int
    cancelled: int
    pending: int
    sending: int
    status: BroadcastStatus
    rate: float = 0.0

    @property
    def left(self) -> int:
        return self.pending + self.sending

    @property
    def finished(self) -> bool:
        return self.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED)

    @classmethod
    def of(
        cls, broadcast: Broadcast, counts: dict[DeliveryState, int], rate: float = 0.0
    ) -> Progress:
        return cls(
            broadcast_id=broadcast.id,
            total=broadcast.total,
            sent=counts[DeliveryState.SENT],
            failed=counts[DeliveryState.FAILED],
            blocked=counts[DeliveryState.BLOCKED],
            unknown=counts[DeliveryState.UNKNOWN],
            cancelled=counts[DeliveryState.CANCELLED],
            pending=counts[DeliveryState.PENDING],
            sending=counts[DeliveryState.SENDING],
            status=broadcast.status,
            rate=rate,
        )


def progress_text(progress: Progress, locale: str | None) -> str:
    """The admin's progress message (HTML), in ``locale``."""
    locale = locale or DEFAULT_LOCALE
    token = current_locale.set(locale)
    try:

        def n(value: int) -> str:
            return format_decimal(value, locale=locale)

        if progress.status is BroadcastStatus.CANCELLED:
            head = _("Broadcast #{id} cancelled").format(id=progress.broadcast_id)
        elif progress.finished:
            head = _("Broadcast #{id} finished").format(id=progress.broadcast_id)
        else:
            head = _("Broadcast #{id} in progress").format(id=progress.broadcast_id)
        lines = [
            f"<b>{head}</b>",
            _("Sent: {count}").format(count=n(progress.sent)),
            _("Failed: {count}").format(count=n(progress.failed)),
            _("Blocked: {count}").format(count=n(progress.blocked)),
            _("Left: {count}").format(count=n(progress.left)),
        ]
        if progress.unknown:
            lines.append(_("Unknown, not resent: {count}").format(count=n(progress.unknown)))
        if progress.cancelled:
            lines.append(_("Cancelled: {count}").format(count=n(progress.cancelled)))
        rate = format_decimal(progress.rate, format="#,##0.0", locale=locale)
        lines.append(_("Rate: {rate} messages/s").format(rate=rate))
        return "\n".join(lines)
    finally:
        current_locale.reset(token)
