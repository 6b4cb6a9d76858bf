"""After an upgrade, check that what the portal holds still opens (`manage.py upgrade_smoke`).

It lives beside the audit trail because `portal/` is not an installed app and this is the other question an
operator asks of a whole installation ("is it intact?"). It names the other apps' models by class name through
the app registry, never by import, so it keeps working when a release moves a model from one app to another and
adds no import against the apps' one-way direction.
"""
