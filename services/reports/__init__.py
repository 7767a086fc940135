"""Sales reports (/ventas): what was sold, cancelled and won, the commission and the balance, per
day and per lottery, for one seller or for the whole banca.

The figures, as a banca counts them:
- Days are the market's local days (the catalog's time zone) of the *sale* (``created_at``):
  a ticket sold Monday at 11 p.m. belongs to Monday whatever its draws. Cash payouts are the one
  exception: they belong to the local day the prize was *paid* (``paid_at``), because that is the
  day the cash left the seller's drawer.
- Sales: totals of tickets sold (sold, winner, loser, paid, expired; never pending, rejected or
  void), split over lotteries by their wagers' amounts. Cancellations: totals of void tickets.
  Prizes: the prizes of winner and paid tickets (an expired prize was never collected), split
  over lotteries by the wagers' prizes. A ticket's split always adds up to the ticket's figure.
- Commission: sales × the seller's ``commission_bp`` (NULL: the catalog's ``commission_percent``),
  rounded half-even to the minor unit per seller, day and lottery, so every total is the exact sum
  of its rows. Direct player sales and sales by admins earn none (they are the banca's own).
- Cash prizes: prizes paid in cash (``paid_how = cash``) by the seller in the period.
- Balance (what the seller owes the banca) = sales − commission − cash prizes; negative when the
  banca owes the seller.
Money is counted in integer minor units and shown as ``Money`` (Decimal with its currency); tickets
in another currency than the market's get a report of their own, never a mixed sum.
"""

from services.reports.answer import ReportAnswer, problem_text, sales_report
from services.reports.chart import ReportChart, chart_for
from services.reports.errors import ReportError, ReportProblem
from services.reports.figures import build_reports, commission_rate
from services.reports.ledger import allocate
from services.reports.period import MAX_DAYS, Period, ReportQuery, parse_query
from services.reports.report import DayFigures, Figures, LotteryFigures, SalesReport, SellerFigures
from services.reports.scope import Scope, resolve_scope
from services.reports.text import MESSAGE_LIMIT, pack, render_report

__all__ = [
    "MAX_DAYS",
    "MESSAGE_LIMIT",
    "DayFigures",
    "Figures",
    "LotteryFigures",
    "Period",
    "ReportAnswer",
    "ReportChart",
    "ReportError",
    "ReportProblem",
    "ReportQuery",
    "SalesReport",
    "Scope",
    "SellerFigures",
    "allocate",
    "build_reports",
    "chart_for",
    "commission_rate",
    "pack",
    "parse_query",
    "problem_text",
    "render_report",
    "resolve_scope",
    "sales_report",
]
