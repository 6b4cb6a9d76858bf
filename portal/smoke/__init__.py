"""After an upgrade, check that what the portal holds still opens (`manage.py upgrade_smoke`).

It sits with the portal's wiring, above every room, because it opens every room's rows and pages. It names the
other apps' models by class name through the app registry, never by import, so it keeps working when a release
moves a model from one app to another and adds no import against the apps' one-way direction.
"""
