"""Audience figures built in: what is read, from where, without tracking anyone.

Where a count comes from:

- **The server** (``wsgi.AudienceApp``, the outermost WSGI layer): every
  reader page answered by this node, whether the page cache or Django
  answered it; feed fetches (with the subscriber counts feed readers
  report); podcast audio requests, for downloads.
- **The beacon** (``static/js/audience.js``): one small same-origin POST per
  page view, for the views a CDN answers without asking a node. A beacon
  that follows a view the server already counted (the same reader, the same
  page, within two minutes) is paired with it and not counted again
  (``rollup.pair_beacons``).
- **Sign-ups**, told by the newsletter app through ``core.audience``.

Nothing personal is kept (``readers``): the IP address and user agent only
feed a hash with a daily random salt, which is deleted when its day ends.
Events wait in memory and are written in bulk (``buffer``); the scheduler
rolls them up into hourly and daily tallies (``rollup``), which the
dashboard (``dashboard``) and the "Most read" rail read.
"""
