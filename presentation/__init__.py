"""What people read and see: the one formatter of money, numbers and dates, ticket texts and
pictures, the sale's and the jackpot's messages, report charts, and Telegram's size rules.

Nothing here decides anything: the rules live in ``lottery/``, the use cases in ``services/``."""
