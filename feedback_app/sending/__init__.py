"""Sending invitations and reminders by e-mail and text (issue 16 §1, ADR 0029).

``backends``: GOV.UK Notify or an SMTP relay, chosen by configuration.
``contacts``: contact lists uploaded for invitation-only waves.
``worker``: the ``feedback-app send`` command's batch, idempotent per person and step.
``updates``: an area's update list: double opt-in, leave links, updates (ADR 0039);
``update_views`` its public pages and ``staff_update_views`` the staff page.
"""
