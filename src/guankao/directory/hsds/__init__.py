"""Open Referral HSDS 3.0: the directory as organizations, services and taxonomy terms."""
