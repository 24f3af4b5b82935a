"""The site's own pages: About and Contact, written by admins in the admin; contact messages."""
