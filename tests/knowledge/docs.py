"""A small document set of a made-up company, used by the knowledge base tests."""

from __future__ import annotations

PRICING_MD = """# Pricing

The Starter plan is free for up to three users.

The Pro plan costs 49 euros per user per month, billed annually. Monthly billing costs
59 euros per user.

# Discounts

Non-profit organisations get 30 percent off every paid plan.
"""

REFUNDS_HTML = """<html><head><title>Refunds</title><style>p {color: red}</style></head>
<body><h1>Refund policy</h1>
<p>You can cancel within 30 days of purchase and get a full refund, no questions asked.</p>
<script>var tracking = 1;</script>
</body></html>
"""

SUPPORT_TXT = """Support hours

Enterprise customers get support around the clock, every day of the year, by chat and phone.
Everyone else can reach support by email on weekdays from 9:00 to 17:00 Berlin time.
"""
