//! CRM.COM access tokens, their definitions and classifications, accounts receivable and rewards participants.
