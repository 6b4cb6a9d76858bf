"""What the agent reads out, case by case. Facts come from the incident, the one source shared with
letters and the public notice."""

from incidents.models import Incident

UNVERIFIED = (
    "I'm sorry, I can't confirm those details against our records. To protect your information I can only "
    "discuss a record once I have verified who you are. The reference code is printed at the top of the "
    "letter; with it and one more detail, such as the date of birth, I can help you right away."
)


def not_found(incident: Incident) -> str:
    return (
        f"I could not find you in the records involved in this incident at {incident.organisation_name}. "
        "That usually means your information was not affected. If you received a letter from us, the reference "
        "code printed on it lets me find your record; you are welcome to call back with it."
    )


def verified(incident: Incident) -> str:
    return (
        "Thank you, I have confirmed who you are. Here is what I can tell you about the incident at "
        f"{incident.organisation_name}."
    )
