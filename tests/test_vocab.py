"""Channel labels from real exports map to the vocabulary; the label itself is kept elsewhere."""

from __future__ import annotations

import pytest

from salesscope.vocab import Channel, normalise_channel


@pytest.mark.parametrize(("label", "channel"), [
    # Salesforce's standard Lead Source values
    ("Web", Channel.WEB), ("Phone Inquiry", Channel.PHONE), ("Partner Referral", Channel.REFERRAL),
    ("Purchased List", Channel.OTHER), ("Other", Channel.OTHER),
    # HubSpot's original sources, as exported
    ("ORGANIC_SEARCH", Channel.WEB), ("PAID_SEARCH", Channel.WEB), ("EMAIL_MARKETING", Channel.EMAIL),
    ("SOCIAL_MEDIA", Channel.SOCIAL), ("PAID_SOCIAL", Channel.SOCIAL), ("REFERRALS", Channel.REFERRAL),
    ("DIRECT_TRAFFIC", Channel.OTHER), ("OFFLINE", Channel.OTHER),
    # spellings and Persian labels
    ("e-mail", Channel.EMAIL), ("In-Person", Channel.IN_PERSON), ("تماس تلفنی", Channel.PHONE),
    ("Employee Referral", Channel.REFERRAL), ("Trade Show", Channel.EVENT),
    # words naming two channels say nothing certain
    ("web call", Channel.OTHER),
])
def test_export_labels(label: str, channel: Channel) -> None:
    assert normalise_channel(label) is channel


def test_empty_labels_have_no_channel() -> None:
    assert normalise_channel(None) is None and normalise_channel("  ") is None
