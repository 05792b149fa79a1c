"""A retrieval quality set written for the knowledge base: a made-up company's handbook (one
record per topic) and questions a participant might ask in a meeting, each with the record
that answers it. Some questions are German or French; every record is English. ``UNRELATED``
questions are answered by no record (the delegate must say it does not know)."""

from __future__ import annotations

RECORDS: dict[str, str] = {
    "pricing-pro": "The Pro plan costs 49 euros per user per month when billed annually, "
    "or 59 euros per user with monthly billing.",
    "pricing-starter": "The Starter plan is free forever for teams of up to three users and "
    "includes 5 GB of storage.",
    "pricing-enterprise": "Enterprise pricing is negotiated per contract; it starts at 500 "
    "seats and includes a dedicated account manager.",
    "discounts": "Non-profit organisations and schools get 30 percent off every paid plan "
    "after sending proof of their status.",
    "refunds": "Customers can cancel within 30 days of purchase and receive a full refund, "
    "no questions asked.",
    "support-hours": "Support answers by email on weekdays from 9:00 to 17:00 Berlin time; "
    "Enterprise customers get phone support around the clock.",
    "sla": "The service level agreement guarantees 99.9 percent monthly uptime; for each "
    "hour of downtime beyond that we credit 5 percent of the monthly fee.",
    "security-certs": "We are ISO 27001 certified and complete a SOC 2 Type II audit every "
    "year; the reports are available under NDA.",
    "data-location": "All customer data is stored in data centres in Frankfurt, Germany, and "
    "never leaves the European Union.",
    "encryption": "Data is encrypted at rest with AES-256 and in transit with TLS 1.3.",
    "backups": "Backups are taken every six hours and kept for 35 days in a second region.",
    "sso": "Single sign-on with SAML and OpenID Connect is included in the Pro and Enterprise "
    "plans.",
    "api-limits": "The public API allows 600 requests per minute per workspace; higher limits "
    "are available on request.",
    "integrations": "We integrate with Slack, Microsoft Teams, Jira, Salesforce and HubSpot out "
    "of the box.",
    "mobile": "Native mobile apps are available for iOS 16 and Android 12 or newer.",
    "onboarding": "Every new customer gets a free 60-minute onboarding call with a product "
    "specialist.",
    "trial": "The free trial of the Pro plan lasts 14 days and needs no credit card.",
    "payment-methods": "We accept credit cards, SEPA direct debit and bank transfer; invoices "
    "are sent as PDF every month.",
    "office": "Our head office is at Torstrasse 100 in Berlin; visitors should register at the "
    "reception on the ground floor.",
    "vacation": "Employees have 30 days of paid vacation per year, plus public holidays.",
    "remote-work": "Staff may work remotely up to three days a week and from abroad for up to "
    "four weeks a year.",
    "expenses": "Travel expenses must be submitted within 30 days with receipts through the "
    "expense tool.",
    "roadmap-ai": "An AI assistant that drafts replies is planned for the second quarter of "
    "next year.",
    "gdpr": "We sign a data processing agreement with every customer, as the GDPR requires.",
    "deletion": "When an account is closed, its data is deleted within 30 days, backups included.",
}

QUESTIONS: list[tuple[str, str]] = [
    ("How much does the Pro plan cost?", "pricing-pro"),
    ("What is the monthly price per user for Pro?", "pricing-pro"),
    ("Is monthly billing more expensive?", "pricing-pro"),
    ("Wie viel kostet der Pro-Tarif?", "pricing-pro"),
    ("Is there a free plan?", "pricing-starter"),
    ("How many users can use the Starter plan?", "pricing-starter"),
    ("How much storage comes with the free tier?", "pricing-starter"),
    ("How is Enterprise priced?", "pricing-enterprise"),
    ("Do big customers get an account manager?", "pricing-enterprise"),
    ("Do you offer discounts for charities?", "discounts"),
    ("Gibt es Rabatt für Schulen?", "discounts"),
    ("Can I get my money back?", "refunds"),
    ("What is your refund policy?", "refunds"),
    ("Kann ich mein Geld zurückbekommen?", "refunds"),
    ("Puis-je annuler et être remboursé ?", "refunds"),
    ("When is support available?", "support-hours"),
    ("Can I call support at night?", "support-hours"),
    ("Wann ist der Support erreichbar?", "support-hours"),
    ("What uptime do you guarantee?", "sla"),
    ("What happens if the service is down?", "sla"),
    ("Which compensation do we get for outages?", "sla"),
    ("Are you ISO certified?", "security-certs"),
    ("Do you have a SOC 2 report?", "security-certs"),
    ("Where is our data stored?", "data-location"),
    ("Does data leave the EU?", "data-location"),
    ("Wo werden die Daten gespeichert?", "data-location"),
    ("Où sont hébergées nos données ?", "data-location"),
    ("Is the data encrypted?", "encryption"),
    ("Which TLS version do you use?", "encryption"),
    ("How often do you make backups?", "backups"),
    ("How long are backups kept?", "backups"),
    ("Do you support single sign-on?", "sso"),
    ("Can we log in with SAML?", "sso"),
    ("What are the API rate limits?", "api-limits"),
    ("How many API calls per minute can we make?", "api-limits"),
    ("Does it work with Slack?", "integrations"),
    ("Can we connect Salesforce?", "integrations"),
    ("Is there an iPhone app?", "mobile"),
    ("Which Android versions are supported?", "mobile"),
    ("Do we get help getting started?", "onboarding"),
    ("Is onboarding included?", "onboarding"),
    ("How long is the free trial?", "trial"),
    ("Do I need a credit card for the trial?", "trial"),
    ("Can we pay by bank transfer?", "payment-methods"),
    ("Do you accept SEPA direct debit?", "payment-methods"),
    ("Wie können wir bezahlen?", "payment-methods"),
    ("Where is your office?", "office"),
    ("What is the address of the Berlin office?", "office"),
    ("How many vacation days do employees get?", "vacation"),
    ("Wie viele Urlaubstage gibt es?", "vacation"),
    ("Can I work from home?", "remote-work"),
    ("May staff work from another country?", "remote-work"),
    ("How do I claim travel expenses?", "expenses"),
    ("Is an AI assistant on the roadmap?", "roadmap-ai"),
    ("When will the AI reply feature ship?", "roadmap-ai"),
    ("Do you sign a data processing agreement?", "gdpr"),
    ("Are you GDPR compliant?", "gdpr"),
    ("What happens to our data when we cancel the account?", "deletion"),
    ("Werden unsere Daten nach der Kündigung gelöscht?", "deletion"),
]

UNRELATED: list[str] = [
    "What is the capital of Australia?",
    "Who won the football world cup in 2014?",
    "What's the weather like tomorrow?",
    "How do I bake sourdough bread?",
    "Wie hoch ist der Mount Everest?",
    "Can you recommend a good science fiction novel?",
    "How many moons does Jupiter have?",
    "What time does the cinema open tonight?",
]

OTHER_LANGUAGES: set[str] = {
    "Wie viel kostet der Pro-Tarif?",
    "Gibt es Rabatt für Schulen?",
    "Kann ich mein Geld zurückbekommen?",
    "Puis-je annuler et être remboursé ?",
    "Wann ist der Support erreichbar?",
    "Wo werden die Daten gespeichert?",
    "Où sont hébergées nos données ?",
    "Wie können wir bezahlen?",
    "Wie viele Urlaubstage gibt es?",
    "Werden unsere Daten nach der Kündigung gelöscht?",
}
"""The German and French questions (every record is English)."""
