"""The banca's chart of a report: plain data now, drawn later."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from lottery.catalog import Catalog
from lottery.i18n import _
from presentation.formatting import Formatter
from presentation.report_chart import DayBar, render_report_chart
from services.reports.report import SalesReport
from services.reports.scope import Scope, person_name


@dataclass(frozen=True)
class ReportChart:
    """A chart to send after the text: plain data, drawn on demand (off the event loop, and
    after the text, so a drawing failure cannot cost the figures)."""

    bars: tuple[DayBar, ...]
    currency: str
    language: str
    market_locale: str
    subtitle: str
    caption: str

    def png(self) -> bytes:
        return render_report_chart(
            self.bars,
            self.currency,
            language=self.language,
            market_locale=self.market_locale,
            subtitle=self.subtitle,
        )


def _who(scope: Scope) -> str:
    if scope.seller is None:
        return _("All sales: sellers and direct player sales")
    return person_name(scope.seller) or ""


def chart_for(report: SalesReport, catalog: Catalog, language: str) -> ReportChart:
    """The chart of ``report`` for a reader of ``language``; nothing is drawn yet."""
    fmt = Formatter.for_reader(language, catalog)
    period, who = fmt.period(report.period.first, report.period.last), _who(report.scope)
    caption = _("📈 Sales and prizes per day, {period}").format(period=escape(period))
    return ReportChart(
        bars=tuple(report.day_bars()),
        currency=report.currency,
        language=language,
        market_locale=catalog.locale,
        subtitle=f"{who} · {period}",
        caption=f"{caption}\n{escape(who)}",
    )
