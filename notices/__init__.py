"""Notices to applicants (issue 13 §4): what a dossier's events tell the applicant, by e-mail, SMS and the
portal's inbox, from templates administrators edit; each notice logged with its delivery result."""
