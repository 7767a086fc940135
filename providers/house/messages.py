"""Messages of the house banca (English msgids, rendered in the current locale)."""

from __future__ import annotations

from lottery.i18n import N_

SOLD_OUT = N_("«{text}» is sold out for {lottery} {time}: {left} left on that number.")
OVER_TOPE = N_("«{text}» is above the tope per number of {lottery} {time}: {cap}.")
TOPE_LEFT = N_("«{text}» does not fit the tope per number of {lottery} {time} ({cap}): "
               "{left} left.")
NO_WAGERS = N_("A ticket needs at least one play.")
WRONG_CURRENCY = N_("This booth sells in {expected}, not {given}.")
NOTHING_SELLABLE = N_("None of the plays can be sold.")
NOT_FOUND = N_("There is no ticket with reference {reference}.")
ALREADY_VOID = N_("Ticket {serial} is already cancelled.")
NOT_SOLD_STATE = N_("Ticket {serial} cannot be cancelled: it is {state}.")
CANCEL_WINDOW = N_("Ticket {serial} could be cancelled until {deadline}; that time has passed.")
CANCEL_DRAW_CLOSED = N_("Ticket {serial} cannot be cancelled: sales for {lottery} {time} closed "
                        "at {closed}.")
RESULT_UNKNOWN_LOTTERY = N_("«{text}» is not a lottery sold here.")
RESULT_NO_DRAW = N_("{lottery} has no draw {time}.")
RESULT_TOO_EARLY = N_("{lottery} {time} has not been drawn yet.")
RESULT_BAD_VALUES = N_("That is not a result of {lottery}: it takes {expected}.")
SUSPENDED = N_("{lottery} {time} is suspended by the banca: {reason}")
SUSPENDED_NO_REASON = N_("{lottery} {time} is suspended by the banca.")
CLOSED_EARLY = N_("The banca closed sales for {lottery} {time}.")
BLOCKED = N_("«{text}» is not sold on {lottery} {time}: the banca blocked that number.")
SELLER_TICKET = N_("Your largest ticket is {limit}; with «{text}» this one comes to {total}.")
SELLER_NUMBER = N_("«{text}»: you may sell at most {limit} on one number of {lottery} {time}; "
                   "{left} left for you.")
